"""Clients, their points account, the lots of points and the append-only ledger."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, literal_column, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pos_loyalty.extensions import db
from pos_loyalty.models.types import Points, UTCDateTime


class Client(db.Model):
    __tablename__ = "clients"
    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    birth_date: Mapped[date | None] = mapped_column(nullable=True)
    subscriber: Mapped[bool] = mapped_column(default=False)
    email_opt_in: Mapped[bool] = mapped_column(default=False)  # consent to the programme's e-mails
    referral_code: Mapped[str | None] = mapped_column(String(60), unique=True, nullable=True)  # None once erased
    referrer_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), nullable=True)
    # Set when the referral bonuses were paid, or when a first sale was paid without a referrer.
    first_paid_sale_id: Mapped[int | None] = mapped_column(nullable=True)
    search_text: Mapped[str] = mapped_column(String(600), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_in_salon_id: Mapped[int | None] = mapped_column(ForeignKey("salons.id"), nullable=True)
    # The secret of the client's own card, /card/{token}; a manager replaces it to revoke the old link.
    card_token: Mapped[str | None] = mapped_column(String(64), unique=True, index=True, nullable=True)
    # Set when the person was erased: names, phone, e-mail, birth date and referral code are gone.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class PointsAccount(db.Model):
    """The row locked while a client's points move; its counters equal the ledger at every commit."""

    __tablename__ = "points_accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), unique=True)
    balance: Mapped[int] = mapped_column(Points, default=0)  # sum of the ledger
    held: Mapped[int] = mapped_column(Points, default=0)  # points held by rewards on open sales
    debt: Mapped[int] = mapped_column(Points, default=0)  # points owed after a refund of spent points


class LedgerEntry(db.Model):
    """Append-only: nothing updates or deletes a row of this table."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_account_id", "account_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("points_accounts.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(20))
    points: Mapped[int] = mapped_column(Points)
    description: Mapped[str] = mapped_column(String(250))
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("sales.id"), nullable=True, index=True)
    reward_id: Mapped[int | None] = mapped_column(ForeignKey("rewards.id"), nullable=True)
    rule_version: Mapped[int | None] = mapped_column(nullable=True)
    salon_id: Mapped[int | None] = mapped_column(ForeignKey("salons.id"), nullable=True)
    staff: Mapped[str] = mapped_column(String(80), default="")
    expires_on: Mapped[date | None] = mapped_column(nullable=True)
    # The words as a msgid and its values, so the history reads in the reader's language; None for entries
    # written before (their `description` is the text to show).
    message: Mapped[str | None] = mapped_column(String(250), nullable=True)
    message_values: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class PointsLot(db.Model):
    __tablename__ = "points_lots"
    __table_args__ = (
        # Only lots with points left are ever read for a balance or a debit: the cost does not grow
        # with the length of the history.
        Index("ix_open_lots", "account_id", "expires_on", sqlite_where=text("remaining > 0"),
              postgresql_where=text("remaining > 0")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("points_accounts.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    sale_id: Mapped[int | None] = mapped_column(nullable=True)
    points: Mapped[int] = mapped_column(Points)
    remaining: Mapped[int] = mapped_column(Points)
    earned_on: Mapped[date]
    expires_on: Mapped[date | None] = mapped_column(nullable=True)

    # Written with its entry in one flush: the ledger never flushes just to learn an entry's id.
    entry: Mapped[LedgerEntry] = relationship()


# "A lot with points left", written as ix_open_lots's own predicate (the 0 inline, not a bound parameter), so
# that the databases use that index even in a statement PostgreSQL prepared once and plans once.
LOT_IS_OPEN = PointsLot.remaining > literal_column("0")


class LotConsumption(db.Model):
    """Which lots a debit took points from, so a refund can give them back with their own expiry."""

    __tablename__ = "lot_consumptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("points_lots.id"))
    points: Mapped[int] = mapped_column(Points)

    entry: Mapped[LedgerEntry] = relationship()
