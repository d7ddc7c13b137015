"""The e-mail outbox: a mail is written in the same transaction as the event it tells of, and sent later
by the mail worker (retries with backoff), so a dead SMTP server never delays or fails a sale."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pos_loyalty.extensions import db
from pos_loyalty.models.types import UTCDateTime


class OutboxMail(db.Model):
    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_dedupe_key", "dedupe_key", unique=True),
                      Index("ix_mail_outbox_status_next", "status", "next_attempt_at"),
                      Index("ix_mail_outbox_client_id", "client_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    salon_id: Mapped[int | None] = mapped_column(ForeignKey("salons.id"), nullable=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(30))  # reward_unlocked | reward_within_reach | points_expiring | referral_thanks
    dedupe_key: Mapped[str] = mapped_column(String(120))  # what it tells of, once
    to_address: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(10), default="fr", server_default="fr")
    subject: Mapped[str] = mapped_column(String(250))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="waiting", server_default="waiting")  # waiting | sending | sent | failed
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
