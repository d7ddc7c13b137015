"""Staff log in to the panel with their PIN; five wrong PINs lock the login for a while."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from pos_loyalty.core.errors import Conflict, DomainError
from pos_loyalty.extensions import db
from pos_loyalty.models import Staff
from pos_loyalty.runtime import runtime
from pos_loyalty.services.staff import pin_matches
from pos_loyalty.services.transaction import transaction

MAX_WRONG_PINS = 5
LOCK_FOR = timedelta(minutes=5)


class WrongPin(DomainError):
    status = 401
    code = "wrong_pin"


def active_staff(salon_id: int) -> list[Staff]:
    return list(db.session.scalars(select(Staff).where(Staff.salon_id == salon_id, Staff.active.is_(True))
                                   .order_by(Staff.name)))


def log_in(staff_id: int, pin: str, salon_id: int | None = None, managers_only: bool = False) -> Staff:
    """The staff member, once the PIN is right. Someone outside the login page's scope (another salon's
    staff on a bound till, a cashier on a device no manager has bound yet) gets the answer of an unknown
    name, and their PIN is not even tried."""
    with transaction():
        query = select(Staff).where(Staff.id == staff_id, Staff.active.is_(True))
        if salon_id is not None:
            query = query.where(Staff.salon_id == salon_id)
        if managers_only:
            query = query.where(Staff.role == "manager")
        staff = db.session.scalars(query.with_for_update()).first()
        if staff is None:
            raise WrongPin("Choose your name, then type your PIN.")
        now = runtime().now()
        if staff.locked_until and staff.locked_until > now:
            minutes = max(1, int((staff.locked_until - now).total_seconds() // 60) + 1)
            raise Conflict(f"Too many wrong PINs: {staff.name}'s login is locked for {minutes} more minutes.",
                           code="login_locked")
        if not pin_matches(staff, pin):
            staff.failed_pins += 1
            left = MAX_WRONG_PINS - staff.failed_pins
            if left <= 0:
                staff.failed_pins, staff.locked_until = 0, now + LOCK_FOR
                db.session.commit()
                raise Conflict(f"Too many wrong PINs: {staff.name}'s login is locked for "
                               f"{int(LOCK_FOR.total_seconds() // 60)} minutes.", code="login_locked")
            db.session.commit()  # the count survives the refusal
            raise WrongPin(f"Wrong PIN ({left} tries left).")
        staff.failed_pins, staff.locked_until = 0, None
        return staff
