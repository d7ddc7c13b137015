"""Staff of the salon (panel login by PIN) and API tokens for tills and managers.

Every use case acts for someone (an Actor: a manager on the back office, or the command line) and only on
that actor's salon: another salon's staff member or token is not found, exactly as a missing one.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from pos_loyalty.core.errors import Conflict, Invalid, NotFound
from pos_loyalty.core.staff import PIN_RULE, STAFF_ROLES, TOKEN_ROLES, pin_is_valid
from pos_loyalty.extensions import db
from pos_loyalty.models import ApiToken, ProgramVersion, Salon, Staff, Till
from pos_loyalty.runtime import runtime
from pos_loyalty.services import audit
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.context import hold_for_request, newest_version_number
from pos_loyalty.services.panel_sessions import end_sessions_of
from pos_loyalty.services.secret_keys import digest, new_secret
from pos_loyalty.services.setup import ensure_till, salon_by_code
from pos_loyalty.services.transaction import transaction

TOKEN_PREFIX = "pl_"
MAX_ID = 2**31 - 1  # ids fit a 32-bit column: a larger one names nothing (and must not reach the database)
NAME_LENGTH = 80


def command_line(salon_code: str | None = None) -> Actor:
    """The command line acting on a salon (named by its code, or the first one)."""
    return audit.by_command_line(salon_by_code(salon_code).id)


def _check_pin(pin: str) -> None:
    if not pin_is_valid(pin):
        raise Invalid(PIN_RULE, code="bad_pin", details={"pin": [PIN_RULE]})


def _check_role(role: str) -> None:
    if role not in STAFF_ROLES:
        raise Invalid(f"The role is one of {', '.join(STAFF_ROLES)}.", code="bad_role",
                      details={"role": ["Choose cashier or manager."]})


def _clean_name(name: str, what: str) -> str:
    text = (name or "").strip()
    if not text:
        raise Invalid(f"Give the {what}'s name.", code="bad_name", details={"name": ["Give a name."]})
    if len(text) > NAME_LENGTH:
        raise Invalid(f"A name is at most {NAME_LENGTH} characters.", code="bad_name",
                      details={"name": ["At most 80 characters."]})
    return text


# --- staff -------------------------------------------------------------------------------------------------
def add_staff(name: str, role: str, pin: str, salon_code: str | None = None, *, actor: Actor | None = None) -> Staff:
    """A cashier or manager of the actor's salon (without an actor: the command line, on `salon_code`)."""
    _check_role(role)
    name = _clean_name(name, "staff member")
    _check_pin(pin)
    with transaction():
        actor = actor or command_line(salon_code)
        staff = Staff(salon_id=actor.salon_id, name=name, role=role, pin_hash=generate_password_hash(pin),
                      active=True, created_at=runtime().now())
        db.session.add(staff)
        db.session.flush()
        audit.record(actor, "staff.add", f"staff {staff.id}", None, {"name": staff.name, "role": role})
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


def list_staff(actor: Actor) -> list[Staff]:
    """The actor's salon's staff: active ones first, then by name."""
    return list(db.session.scalars(select(Staff).where(Staff.salon_id == actor.salon_id)
                                   .order_by(Staff.active.desc(), Staff.name, Staff.id)))


def staff_member(actor: Actor, staff_id: int, *, for_update: bool = False) -> Staff:
    """One of the actor's salon's staff; another salon's is not found, like an id that does not exist."""
    staff = None
    if 0 < staff_id <= MAX_ID:
        query = select(Staff).where(Staff.id == staff_id, Staff.salon_id == actor.salon_id)
        staff = db.session.scalars(query.with_for_update() if for_update else query).first()
    if staff is None:
        raise NotFound(f"No staff member {staff_id}.", code="staff_not_found")
    return staff


def _not_yourself(actor: Actor, staff: Staff, message: str, code: str) -> None:
    """A manager on the panel does not lock themself out: another manager makes that change."""
    if actor.staff_id is not None and actor.staff_id == staff.id:
        raise Conflict(message, code=code)


def _keep_a_manager(staff: Staff) -> None:
    """The salon keeps at least one active manager, or no one could manage it from the panel."""
    if staff.role != "manager" or not staff.active:
        return
    others = db.session.scalar(select(func.count()).select_from(Staff).where(
        Staff.salon_id == staff.salon_id, Staff.role == "manager", Staff.active.is_(True), Staff.id != staff.id))
    if not others:
        raise Conflict(f"{staff.name} is the salon's last active manager: make someone else a manager first.",
                       code="last_manager")


def change_role(actor: Actor, staff_id: int, role: str) -> Staff:
    """Cashier or manager; the salon's last active manager stays one, and nobody changes their own role."""
    with transaction():
        staff = staff_member(actor, staff_id, for_update=True)
        _check_role(role)
        if role == staff.role:
            return staff
        _not_yourself(actor, staff, "You cannot change your own role: another manager can.", "own_role")
        if role != "manager":
            _keep_a_manager(staff)
        before = staff.role
        staff.role = role  # open sessions follow at once: each request reads the role again
        audit.record(actor, "staff.role", f"staff {staff.id}", {"name": staff.name, "role": before},
                     {"name": staff.name, "role": role})
        return staff


def change_pin(actor: Actor, staff_id: int, pin: str) -> Staff:
    """A new PIN; every session opened with the old one ends (a PIN seen over a shoulder stops working), and a
    login locked by wrong PINs opens again."""
    with transaction():
        staff = staff_member(actor, staff_id, for_update=True)
        _check_pin(pin)
        staff.pin_hash = generate_password_hash(pin)
        staff.failed_pins, staff.locked_until = 0, None
        end_sessions_of(staff.id, "pin_changed")
        audit.record(actor, "staff.pin", f"staff {staff.id}", None, {"name": staff.name})  # never the PIN
        return staff


def deactivate_staff(actor: Actor, staff_id: int) -> Staff:
    """The staff member can no longer log in, and their open sessions end at once."""
    with transaction():
        staff = staff_member(actor, staff_id, for_update=True)
        if not staff.active:
            return staff
        _not_yourself(actor, staff, "You cannot deactivate yourself: another manager can.", "own_account")
        _keep_a_manager(staff)
        staff.active = False
        end_sessions_of(staff.id, "deactivated")
        audit.record(actor, "staff.deactivate", f"staff {staff.id}", {"name": staff.name, "active": True},
                     {"name": staff.name, "active": False})
        return staff


def reactivate_staff(actor: Actor, staff_id: int) -> Staff:
    """Back on the login page, with the PIN they had."""
    with transaction():
        staff = staff_member(actor, staff_id, for_update=True)
        if staff.active:
            return staff
        staff.active = True
        staff.failed_pins, staff.locked_until = 0, None
        audit.record(actor, "staff.activate", f"staff {staff.id}", {"name": staff.name, "active": False},
                     {"name": staff.name, "active": True})
        return staff


PANEL_LANGUAGES = ("fr", "en", "it")


def remember_language(staff_id: int, language: str) -> None:
    """The panel's language a staff member chose, kept for their next login (a preference of their own: no
    audit line)."""
    if language not in PANEL_LANGUAGES:
        raise Invalid(f"The language is one of {', '.join(PANEL_LANGUAGES)}.", code="bad_language",
                      details={"lang": ["Choose French, English or Italian."]})
    with transaction():
        staff = db.session.get(Staff, staff_id)
        if staff is None:
            raise NotFound("No such staff member.", code="staff_not_found")
        if staff.language != language:
            staff.language = language


# --- API tokens --------------------------------------------------------------------------------------------
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


def _token_till(actor: Actor | None, salon: Salon, role: str, till_code: str | None) -> Till | None:
    """A till token's till (a manager token's too, when one is named). The command line creates a till it
    names; the back office picks one of the salon's tills, and another salon's is not one of them."""
    if role != "till" and not till_code:
        return None
    if actor is None or actor.source == "cli":
        return ensure_till(salon, till_code or "till-1")
    till = db.session.scalars(select(Till).where(Till.salon_id == salon.id, Till.code == (till_code or ""))).first()
    if till is None:
        raise Invalid(f"This salon has no till {till_code!r}.", code="unknown_till",
                      details={"till": ["Choose one of the salon's tills."]})
    return till


def create_token(role: str, name: str | None = None, till_code: str | None = None,
                 salon_code: str | None = None, expires_in_days: int | None = None,
                 expires_on: date | None = None, *, actor: Actor | None = None) -> tuple[ApiToken, str]:
    """Returns the row and the token in clear: shown once, stored only as a digest. Without an actor, the
    command line creates it on `salon_code`."""
    if role not in TOKEN_ROLES:
        raise Invalid(f"The role is one of {', '.join(TOKEN_ROLES)}.", code="bad_role",
                      details={"role": ["Choose till or manager."]})
    with transaction():
        actor = actor or command_line(salon_code)
        salon = db.session.get(Salon, actor.salon_id)
        expires_at = token_expiry(salon, expires_in_days, expires_on)
        till = _token_till(actor, salon, role, till_code)
        token = new_secret(TOKEN_PREFIX)
        row = ApiToken(name=(name or (till.code if till else role)).strip()[:NAME_LENGTH], role=role,
                       token_hash=digest(token), salon_id=salon.id, till_id=till.id if till else None,
                       created_at=runtime().now(), expires_at=expires_at)
        db.session.add(row)
        db.session.flush()
        audit.record(actor, "token.create", f"token {row.name}", None,
                     {"role": role, "till": till.code if till else None, "expires_at": expires_at})
        return row, token


@dataclass(frozen=True)
class TokenListing:
    """What `token list` and the tokens page show of a token: never the secret, nor its digest."""

    id: int
    name: str
    role: str
    till: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    def in_force(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


def list_tokens(salon_code: str | None = None, *, actor: Actor | None = None) -> list[TokenListing]:
    salon_id = actor.salon_id if actor is not None else salon_by_code(salon_code).id
    rows = db.session.execute(select(ApiToken, Till.code).outerjoin(Till, Till.id == ApiToken.till_id)
                              .where(ApiToken.salon_id == salon_id).order_by(ApiToken.id))
    return [TokenListing(row.id, row.name, row.role, till_code or "", row.created_at, row.expires_at,
                         row.revoked_at) for row, till_code in rows]


def _revoke(actor: Actor, row: ApiToken, now: datetime) -> None:
    row.revoked_at = now
    audit.record(actor, "token.revoke", f"token {row.name}", {"revoked": False}, {"revoked": True})


def revoke_token(actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's salon's tokens by its id: refused from the next request on. Another
    salon's token is not found, like an id that does not exist."""
    with transaction():
        row = None
        if 0 < token_id <= MAX_ID:
            row = db.session.scalars(select(ApiToken).where(ApiToken.id == token_id, ApiToken.salon_id == actor.salon_id)
                                     .with_for_update()).first()
        if row is None:
            raise NotFound(f"No API token {token_id}.", code="token_not_found")
        if row.revoked_at is not None:
            raise Conflict(f"The token “{row.name}” was already revoked.", code="token_revoked")
        _revoke(actor, row, runtime().now())
        return row


def revoke_tokens(name: str, salon_code: str | None = None) -> list[ApiToken]:
    """Revoke the salon's tokens in force under this name (the command line); refused from the next request on."""
    with transaction():
        salon = salon_by_code(salon_code)
        now = runtime().now()
        rows = list(db.session.scalars(select(ApiToken).where(ApiToken.salon_id == salon.id, ApiToken.name == name,
                                                              ApiToken.revoked_at.is_(None)).with_for_update()))
        if not rows:
            raise NotFound(f"The salon {salon.code} has no token in force named {name!r}"
                           " (see `pos-loyalty token list`).", code="token_not_found")
        for row in rows:
            _revoke(audit.by_command_line(salon.id), row, now)
        return rows


@functools.cache
def _token_query():
    """Built once: the statement and its cache key are reused by every request."""
    return (select(ApiToken.id, ApiToken.name, ApiToken.role, ApiToken.salon_id, ApiToken.till_id,
                   ApiToken.revoked_at, ApiToken.expires_at, Salon, Till, ProgramVersion)
            .outerjoin(Salon, Salon.id == ApiToken.salon_id)
            .outerjoin(Till, Till.id == ApiToken.till_id)
            .outerjoin(ProgramVersion, ProgramVersion.version == newest_version_number())
            .where(ApiToken.token_hash == bindparam("token_hash")))


def token_in_force(token: str):
    """The token's row (id, name, role, salon_id, till_id) if it is known, not revoked and not expired (by
    the injectable clock), else None. Read fresh on every request, as a plain row (no ORM object: this runs
    before every API call): a revoke from any process stops the token at its very next request.

    The same round trip reads the token's salon and till and the program version in force, which nearly
    every call reads next (services/context.py hold_for_request keeps them for the request)."""
    row = db.session.execute(_token_query(), {"token_hash": digest(token)}).first()
    if row is not None:
        hold_for_request(row.Salon, row.Till, row.ProgramVersion)
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= runtime().now():
        return None
    return row
