"""Sales at the till, their lines, the rewards held on them and their payments."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pos_loyalty.extensions import db
from pos_loyalty.models.types import Money, Points, UTCDateTime

if TYPE_CHECKING:
    from pos_loyalty.models.clients import LedgerEntry


class Sale(db.Model):
    __tablename__ = "sales"
    __table_args__ = (Index("ix_sales_client_status", "client_id", "status"),
                      Index("ix_sales_salon_external_ref", "salon_id", "external_ref", unique=True),
                      Index("ix_sales_till_created", "till_id", "created_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    salon_id: Mapped[int] = mapped_column(ForeignKey("salons.id"))
    till_id: Mapped[int | None] = mapped_column(ForeignKey("tills.id"), nullable=True)  # None: imported
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | paid | cancelled | refunded
    source: Mapped[str] = mapped_column(String(12), default="till", server_default="till")  # till | import
    # The `sale` column of an imported file: importing the same file twice makes no second sale.
    external_ref: Mapped[str | None] = mapped_column(String(80), nullable=True)
    discount_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    code_discount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(80), default="")
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    program_version: Mapped[int | None] = mapped_column(nullable=True)
    points_earned: Mapped[int] = mapped_column(Points, default=0)  # by the client, once paid
    points_redeemed: Mapped[int] = mapped_column(Points, default=0)
    # The client's balance right after this sale was paid: what its receipt shows, whenever printed (a
    # refund answers its own balance and leaves this one as it was).
    balance_after: Mapped[int | None] = mapped_column(Points, nullable=True)
    # The client's next expiry right after this sale was paid, for the same reason (None: nothing expires).
    next_expiry_points: Mapped[int | None] = mapped_column(Points, nullable=True)
    next_expiry_on: Mapped[date | None] = mapped_column(nullable=True)

    lines: Mapped[list["SaleLine"]] = relationship(order_by="SaleLine.position", cascade="all, delete-orphan")
    redemptions: Mapped[list["Redemption"]] = relationship(order_by="Redemption.id")
    payments: Mapped[list["Payment"]] = relationship(order_by="Payment.id")


class SaleLine(db.Model):
    __tablename__ = "sale_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(40), default="")
    quantity: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(Money())


class Redemption(db.Model):
    """A reward applied to a sale: its terms are copied, so editing the reward later changes nothing here."""

    __tablename__ = "redemptions"
    __table_args__ = (Index("ix_redemptions_account_status", "account_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    reward_id: Mapped[int] = mapped_column(ForeignKey("rewards.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("points_accounts.id"))
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(40))
    points_cost: Mapped[int] = mapped_column(Points)
    sale_earns: Mapped[bool] = mapped_column(default=True, server_default=sa_true())  # the reward's, when held
    status: Mapped[str] = mapped_column(String(12), default="held")  # held | deducted | released | returned
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"), nullable=True)
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("reward_grants.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    entry: Mapped["LedgerEntry | None"] = relationship()  # the deduction, once the sale is paid


class Payment(db.Model):
    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())  # what goes towards the sale
    tendered: Mapped[Decimal] = mapped_column(Money())  # what the client handed over (cash)
    method: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
