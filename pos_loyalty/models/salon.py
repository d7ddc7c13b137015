"""The salon, its tills and its staff, and the API tokens that tills and managers use."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pos_loyalty.extensions import db
from pos_loyalty.models.types import UTCDateTime


class Salon(db.Model):
    __tablename__ = "salons"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # "paris-11": how the CLI and tokens name it
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(250), default="")
    vat_number: Mapped[str] = mapped_column(String(40), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    locale: Mapped[str] = mapped_column(String(10), default="fr_FR")
    receipt_footer: Mapped[str] = mapped_column(String(250), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    tills: Mapped[list["Till"]] = relationship(back_populates="salon")


class Till(db.Model):
    __tablename__ = "tills"
    __table_args__ = (UniqueConstraint("salon_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    salon_id: Mapped[int] = mapped_column(ForeignKey("salons.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(80), default="")
    printer_url: Mapped[str | None] = mapped_column(String(250), nullable=True)
    printer_width: Mapped[int] = mapped_column(default=48)
    # The client display's pairing: the hash of the secret in its link (None: not paired); a new pairing
    # replaces it, so an old link stops working.
    display_key_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)

    salon: Mapped[Salon] = relationship(back_populates="tills")


class Staff(db.Model):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    salon_id: Mapped[int] = mapped_column(ForeignKey("salons.id"))
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))  # cashier | manager
    pin_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_pins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    language: Mapped[str | None] = mapped_column(String(5), nullable=True)  # the panel's language, remembered
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiToken(db.Model):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))  # till | manager
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    salon_id: Mapped[int] = mapped_column(ForeignKey("salons.id"))
    till_id: Mapped[int | None] = mapped_column(ForeignKey("tills.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # None: until revoked


class TillScreen(db.Model):
    """What a till is doing now: its open sale or the client chosen before the first item. The client
    display follows this row."""

    __tablename__ = "till_screens"
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"), primary_key=True)
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("sales.id"), nullable=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), nullable=True)
    cashier: Mapped[str] = mapped_column(String(80), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TillDevice(db.Model):
    """A browser a manager bound to one salon and till: its login page lists only that salon's staff.

    The device keeps a long random key in a cookie; only its digest is stored, as for API tokens.
    """

    __tablename__ = "till_devices"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    salon_id: Mapped[int] = mapped_column(ForeignKey("salons.id"))
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"))
    bound_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class PanelSession(db.Model):
    """A staff member's signed-in session on the panel, kept server-side so that it can really end.

    The cookie carries only the session's random key; logout, a PIN change or a deactivation set `ended_at`,
    after which a copy of the old cookie opens nothing.
    """

    __tablename__ = "panel_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    salon_id: Mapped[int] = mapped_column(ForeignKey("salons.id"))
    till_id: Mapped[int | None] = mapped_column(ForeignKey("tills.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    end_reason: Mapped[str] = mapped_column(String(40), default="")
