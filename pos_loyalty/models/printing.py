"""Print jobs: persisted, so a receipt is never lost when the printer is off, and always reprintable."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from pos_loyalty.extensions import db
from pos_loyalty.models.types import UTCDateTime


class PrintJob(db.Model):
    __tablename__ = "print_jobs"
    __table_args__ = (Index("ix_print_jobs_status_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"))
    printer_url: Mapped[str] = mapped_column(String(250))
    width: Mapped[int] = mapped_column(default=48)
    status: Mapped[str] = mapped_column(String(12), default="queued")  # queued | printing | printed | unconfirmed | failed
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(250), default="")
    requested_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
