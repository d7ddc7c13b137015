"""Staff of the salon (panel login by PIN) and API tokens for tills and managers."""
from __future__ import annotations

import re

from werkzeug.security import check_password_hash, generate_password_hash

from pos_loyalty.core.errors import Invalid
from pos_loyalty.extensions import db
from pos_loyalty.models import ApiToken, Staff
from pos_loyalty.runtime import runtime
from pos_loyalty.services.setup import ensure_till, salon_by_code
from pos_loyalty.services.transaction import transaction

STAFF_ROLES = ("cashier", "manager")
TOKEN_ROLES = ("till", "manager")


def add_staff(name: str, role: str, pin: str, salon_code: str | None = None) -> Staff:
    if role not in STAFF_ROLES:
        raise Invalid(f"The role is one of {', '.join(STAFF_ROLES)}.", code="bad_role")
    if not name.strip():
        raise Invalid("Give the staff member's name.", code="bad_name")
    if not re.fullmatch(r"\d{4,8}", pin):
        raise Invalid("A PIN is 4 to 8 digits.", code="bad_pin")
    with transaction():
        salon = salon_by_code(salon_code)
        staff = Staff(salon_id=salon.id, name=name.strip(), role=role, pin_hash=generate_password_hash(pin),
                      active=True, created_at=runtime().now())
        db.session.add(staff)
        db.session.flush()
        return staff


def pin_matches(staff: Staff, pin: str) -> bool:
    return check_password_hash(staff.pin_hash, pin)


def create_token(role: str, name: str | None = None, till_code: str | None = None,
                 salon_code: str | None = None) -> tuple[ApiToken, str]:
    """Returns the row and the token in clear: shown once, stored only as a digest."""
    from pos_loyalty.api.auth import new_token, token_digest

    if role not in TOKEN_ROLES:
        raise Invalid(f"The role is one of {', '.join(TOKEN_ROLES)}.", code="bad_role")
    with transaction():
        salon = salon_by_code(salon_code)
        till = ensure_till(salon, till_code or "till-1") if role == "till" or till_code else None
        token = new_token()
        row = ApiToken(name=(name or (till.code if till else role)).strip()[:80], role=role,
                       token_hash=token_digest(token), salon_id=salon.id, till_id=till.id if till else None,
                       created_at=runtime().now())
        db.session.add(row)
        db.session.flush()
        return row, token
