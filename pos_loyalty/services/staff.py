"""Staff of the salon (panel login by PIN) and API tokens for tills and managers."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from pos_loyalty.core.errors import Invalid, NotFound
from pos_loyalty.extensions import db
from pos_loyalty.models import ApiToken, Salon, Staff, Till
from pos_loyalty.runtime import runtime
from pos_loyalty.services import audit
from pos_loyalty.services.panel_sessions import end_sessions_of
from pos_loyalty.services.secret_keys import digest, new_secret
from pos_loyalty.services.setup import ensure_till, salon_by_code
from pos_loyalty.services.transaction import transaction

STAFF_ROLES = ("cashier", "manager")
TOKEN_ROLES = ("till", "manager")
TOKEN_PREFIX = "pl_"


def _check_pin(pin: str) -> None:
    if not re.fullmatch(r"\d{4,8}", pin):
        raise Invalid("A PIN is 4 to 8 digits.", code="bad_pin")


def add_staff(name: str, role: str, pin: str, salon_code: str | None = None) -> Staff:
    if role not in STAFF_ROLES:
        raise Invalid(f"The role is one of {', '.join(STAFF_ROLES)}.", code="bad_role")
    if not name.strip():
        raise Invalid("Give the staff member's name.", code="bad_name")
    _check_pin(pin)
    with transaction():
        salon = salon_by_code(salon_code)
        staff = Staff(salon_id=salon.id, name=name.strip(), role=role, pin_hash=generate_password_hash(pin),
                      active=True, created_at=runtime().now())
        db.session.add(staff)
        db.session.flush()
        audit.record(audit.by_command_line(salon.id), "staff.add", f"staff {staff.id}", None,
                     {"name": staff.name, "role": role})
        return staff


def pin_matches(staff: Staff, pin: str) -> bool:
    return check_password_hash(staff.pin_hash, pin)


def find_staff(who: str, salon_code: str | None = None) -> Staff:
    """A staff member of the salon by id or by name (how a command names them)."""
    salon = salon_by_code(salon_code)
    query = select(Staff).where(Staff.salon_id == salon.id)
    if who.strip().isdigit():
        query = query.where(Staff.id == int(who.strip()))
    else:
        query = query.where(Staff.name == who.strip())
    found = list(db.session.scalars(query))
    if not found:
        raise NotFound(f"The salon {salon.code} has no staff member {who!r}.", code="staff_not_found")
    if len(found) > 1:
        raise Invalid(f"Several staff members are called {who!r}: give the id instead.", code="ambiguous_staff")
    return found[0]


def change_pin(staff_id: int, pin: str) -> Staff:
    """A new PIN; every session opened with the old one ends (a PIN seen over a shoulder stops working)."""
    _check_pin(pin)
    with transaction():
        staff = db.session.get(Staff, staff_id, with_for_update=True)
        if staff is None:
            raise NotFound("No such staff member.", code="staff_not_found")
        staff.pin_hash = generate_password_hash(pin)
        staff.failed_pins, staff.locked_until = 0, None
        end_sessions_of(staff.id, "pin_changed")
        audit.record(audit.by_command_line(staff.salon_id), "staff.pin", f"staff {staff.id}", None,
                     {"name": staff.name})  # never the PIN
        return staff


def deactivate_staff(staff_id: int) -> Staff:
    """The staff member can no longer log in, and their open sessions end at once."""
    with transaction():
        staff = db.session.get(Staff, staff_id, with_for_update=True)
        if staff is None:
            raise NotFound("No such staff member.", code="staff_not_found")
        staff.active = False
        end_sessions_of(staff.id, "deactivated")
        audit.record(audit.by_command_line(staff.salon_id), "staff.deactivate", f"staff {staff.id}",
                     {"active": True}, {"active": False})
        return staff


def token_expiry(salon: Salon, expires_in_days: int | None = None, expires_on: date | None = None) -> datetime | None:
    """When a new token stops working: after N days, or at the end of a day in the salon's time zone."""
    if expires_in_days is not None and expires_on is not None:
        raise Invalid("Give either a number of days or a date, not both.", code="bad_expiry")
    now = runtime().now()
    if expires_in_days is not None:
        if expires_in_days < 1:
            raise Invalid("A token lasts at least one day.", code="bad_expiry")
        return now + timedelta(days=expires_in_days)
    if expires_on is not None:
        end = datetime.combine(expires_on + timedelta(days=1), time(0), tzinfo=ZoneInfo(salon.timezone))
        if end <= now:
            raise Invalid(f"{expires_on.isoformat()} is already past.", code="bad_expiry")
        return end
    return None


def create_token(role: str, name: str | None = None, till_code: str | None = None,
                 salon_code: str | None = None, expires_in_days: int | None = None,
                 expires_on: date | None = None) -> tuple[ApiToken, str]:
    """Returns the row and the token in clear: shown once, stored only as a digest."""
    if role not in TOKEN_ROLES:
        raise Invalid(f"The role is one of {', '.join(TOKEN_ROLES)}.", code="bad_role")
    with transaction():
        salon = salon_by_code(salon_code)
        expires_at = token_expiry(salon, expires_in_days, expires_on)
        till = ensure_till(salon, till_code or "till-1") if role == "till" or till_code else None
        token = new_secret(TOKEN_PREFIX)
        row = ApiToken(name=(name or (till.code if till else role)).strip()[:80], role=role,
                       token_hash=digest(token), salon_id=salon.id, till_id=till.id if till else None,
                       created_at=runtime().now(), expires_at=expires_at)
        db.session.add(row)
        db.session.flush()
        audit.record(audit.by_command_line(salon.id), "token.create", f"token {row.name}", None,
                     {"role": role, "till": till.code if till else None, "expires_at": expires_at})
        return row, token


@dataclass(frozen=True)
class TokenListing:
    """What `token list` shows of a token: never the secret, nor its digest."""

    id: int
    name: str
    role: str
    till: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


def list_tokens(salon_code: str | None = None) -> list[TokenListing]:
    salon = salon_by_code(salon_code)
    rows = db.session.execute(select(ApiToken, Till.code).outerjoin(Till, Till.id == ApiToken.till_id)
                              .where(ApiToken.salon_id == salon.id).order_by(ApiToken.id))
    return [TokenListing(row.id, row.name, row.role, till_code or "", row.created_at, row.expires_at,
                         row.revoked_at) for row, till_code in rows]


def revoke_tokens(name: str, salon_code: str | None = None) -> list[ApiToken]:
    """Revoke the salon's tokens in force under this name; they are refused from the next request on."""
    with transaction():
        salon = salon_by_code(salon_code)
        now = runtime().now()
        rows = list(db.session.scalars(select(ApiToken).where(ApiToken.salon_id == salon.id, ApiToken.name == name,
                                                              ApiToken.revoked_at.is_(None)).with_for_update()))
        if not rows:
            raise NotFound(f"The salon {salon.code} has no token in force named {name!r}"
                           " (see `pos-loyalty token list`).", code="token_not_found")
        for row in rows:
            row.revoked_at = now
            audit.record(audit.by_command_line(salon.id), "token.revoke", f"token {row.name}", {"revoked": False},
                         {"revoked": True})
        return rows


def token_in_force(token: str) -> ApiToken | None:
    """The token's row if it is known, not revoked and not expired (by the injectable clock), else None."""
    row = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == digest(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= runtime().now():
        return None
    return row
