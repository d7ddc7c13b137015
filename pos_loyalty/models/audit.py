"""The audit trail: every manager action, from the pages, the API or the command line."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from pos_loyalty.extensions import db
from pos_loyalty.models.types import UTCDateTime


class AuditEntry(db.Model):
    """Append-only, like the ledger: who did what to which object, and the object before and after."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_salon_id", "salon_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    salon_id: Mapped[int | None] = mapped_column(ForeignKey("salons.id"), nullable=True)
    staff: Mapped[str] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(10))  # panel | api | cli
    action: Mapped[str] = mapped_column(String(40))  # "rule.create", "points.adjust", "token.revoke" …
    object: Mapped[str] = mapped_column(String(120))  # "rule 3", "client 7", "program"
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)
