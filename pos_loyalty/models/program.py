"""The program's versions, its earning rules, the rewards catalogue and the salon's catalogue."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, String, UniqueConstraint, false as sa_false, true as sa_true
from sqlalchemy.orm import Mapped, mapped_column

from pos_loyalty.extensions import db
from pos_loyalty.models.types import Money, Points, UTCDateTime


class ProgramVersion(db.Model):
    """One immutable row per change: sales and ledger entries name the version that computed them."""

    __tablename__ = "program_versions"
    version: Mapped[int] = mapped_column(primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    points_per_unit: Mapped[Decimal] = mapped_column(Numeric(10, 4, asdecimal=True), default=Decimal("1"))
    rounding: Mapped[str] = mapped_column(String(10), default="floor")
    validity_months: Mapped[int | None] = mapped_column(nullable=True)
    products_earn: Mapped[bool] = mapped_column(default=True)
    discounted_sales_earn: Mapped[bool] = mapped_column(default=False)
    subscribers_earn: Mapped[bool] = mapped_column(default=False)
    referrer_bonus: Mapped[int] = mapped_column(Points, default=0)
    welcome_bonus: Mapped[int] = mapped_column(Points, default=0)
    allow_stacking: Mapped[bool] = mapped_column(default=False)
    # Host POS lines must name an item of the salon's catalogue (else they bring their own kind and category).
    catalogue_only: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # "redeem": a reward costs points; "milestone": lifetime points reaching a reward issue it as a code.
    reward_mode: Mapped[str] = mapped_column(String(10), default="redeem", server_default="redeem")
    # A thank-you e-mail to the referrer when a client they brought pays a first sale.
    referral_thanks_email: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # The rules and rewards as they stood, so a past sale can be explained.
    rules_snapshot: Mapped[list] = mapped_column(JSON, default=list)
    rewards_snapshot: Mapped[list] = mapped_column(JSON, default=list)
    change: Mapped[str] = mapped_column(String(250), default="")
    changed_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class EarningRuleRow(db.Model):
    __tablename__ = "earning_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Reward(db.Model):
    __tablename__ = "rewards"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))  # amount_off | percent_off | free_item
    value: Mapped[str] = mapped_column(String(40))
    points_cost: Mapped[int] = mapped_column(Points)
    description: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # False: a sale that uses the reward earns no points at all; true: it earns on what is paid.
    sale_earns: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CatalogueItem(db.Model):
    """A service or retail product the salon sells; sale lines must name one."""

    __tablename__ = "catalogue_items"
    __table_args__ = (UniqueConstraint("salon_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    salon_id: Mapped[int] = mapped_column(ForeignKey("salons.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))  # service | product
    category: Mapped[str] = mapped_column(String(40), default="")
    price: Mapped[Decimal] = mapped_column(Money())
    active: Mapped[bool] = mapped_column(default=True)


class CatalogueCategory(db.Model):
    """A category's display name in the salon's language: the till shows "Couleur", the lines keep "colour"."""

    __tablename__ = "catalogue_categories"
    __table_args__ = (UniqueConstraint("salon_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    salon_id: Mapped[int] = mapped_column(ForeignKey("salons.id"))
    code: Mapped[str] = mapped_column(String(40))  # lower case, as catalogue items carry it
    display_name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)  # the order of the till's category tabs


class RewardGrant(db.Model):
    """A reward given to a client outright, redeemed later at no points: by a manager (goodwill, contest,
    source "manager") or issued as a six-letter code when lifetime points reached it (source "milestone")."""

    __tablename__ = "reward_grants"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    reward_id: Mapped[int] = mapped_column(ForeignKey("rewards.id"))
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(250))
    granted_by: Mapped[str] = mapped_column(String(80))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(12), default="available")  # available | held | used | void
    redemption_id: Mapped[int | None] = mapped_column(nullable=True)
    source: Mapped[str] = mapped_column(String(12), default="manager", server_default="manager")  # manager | milestone
    code: Mapped[str | None] = mapped_column(String(6), unique=True, index=True, nullable=True)
    issued_sale_id: Mapped[int | None] = mapped_column(nullable=True, index=True)  # its receipt prints the code
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    voided_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
