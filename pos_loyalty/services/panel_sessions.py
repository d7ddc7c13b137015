"""Panel sessions kept server-side: the browser holds a random key, the row says whether it still opens.

Logout, an idle lock, a PIN change or a deactivation end the row, after which a copy of the old cookie
opens nothing. Only the key's digest is stored, so a read of the table opens no session either.
"""
from __future__ import annotations

from sqlalchemy import select, update

from pos_loyalty.extensions import db
from pos_loyalty.models import PanelSession, Staff
from pos_loyalty.runtime import runtime
from pos_loyalty.services.secret_keys import digest, new_secret
from pos_loyalty.services.transaction import transaction


def open_session(staff: Staff, till_id: int | None) -> str:
    """A new session for a staff member who just typed the right PIN; the key is returned once."""
    with transaction():
        key = new_secret()
        db.session.add(PanelSession(key_hash=digest(key), staff_id=staff.id, salon_id=staff.salon_id,
                                    till_id=till_id, created_at=runtime().now(), ended_at=None, end_reason=""))
        db.session.flush()
        return key


def session_in_force(key: str) -> tuple[PanelSession, Staff] | None:
    """The session and its staff member, if the session has not ended and the staff member is active."""
    found = db.session.execute(
        select(PanelSession, Staff).join(Staff, Staff.id == PanelSession.staff_id)
        .where(PanelSession.key_hash == digest(key), PanelSession.ended_at.is_(None), Staff.active.is_(True))
    ).first()
    return (found[0], found[1]) if found else None


def end_session(key: str, reason: str) -> None:
    with transaction():
        db.session.execute(update(PanelSession)
                           .where(PanelSession.key_hash == digest(key), PanelSession.ended_at.is_(None))
                           .values(ended_at=runtime().now(), end_reason=reason))


def end_sessions_of(staff_id: int, reason: str) -> int:
    """End every open session of a staff member (inside the caller's transaction when there is one)."""
    with transaction():
        result = db.session.execute(update(PanelSession)
                                    .where(PanelSession.staff_id == staff_id, PanelSession.ended_at.is_(None))
                                    .values(ended_at=runtime().now(), end_reason=reason))
        return result.rowcount


def move_to_till(key: str, till_id: int) -> None:
    """A manager who just bound this device now works at its till."""
    with transaction():
        db.session.execute(update(PanelSession).where(PanelSession.key_hash == digest(key))
                           .values(till_id=till_id))
