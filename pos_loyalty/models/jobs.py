"""Background jobs a manager starts from the pages (recalculation, reset, import): their progress and result."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from pos_loyalty.extensions import db
from pos_loyalty.models.types import UTCDateTime


class BackgroundJob(db.Model):
    __tablename__ = "background_jobs"
    __table_args__ = (Index("ix_background_jobs_salon_id", "salon_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    salon_id: Mapped[int | None] = mapped_column(ForeignKey("salons.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(30))  # recalculate | reset_points | import_sales
    status: Mapped[str] = mapped_column(String(12), default="queued")  # queued | running | done | failed
    parameters: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    done: Mapped[int] = mapped_column(default=0, server_default="0")
    total: Mapped[int] = mapped_column(default=0, server_default="0")
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_by: Mapped[str] = mapped_column(String(80), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
