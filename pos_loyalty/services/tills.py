"""The salon's tills and their printer settings."""
from __future__ import annotations

from sqlalchemy import select

from pos_loyalty.core.errors import NotFound
from pos_loyalty.extensions import db
from pos_loyalty.models import Till
from pos_loyalty.services import audit
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.transaction import transaction


def till_of(actor: Actor) -> Till:
    """The till the actor works at (a till token's, a cashier's session). A till of another salon, or none
    that exists any more, is not found: a session or token never acts at another salon's till."""
    till = db.session.get(Till, actor.till_id) if actor.till_id is not None else None
    if till is None or till.salon_id != actor.salon_id:
        raise NotFound(f"Till {actor.till_id} is not one of this salon's tills.", code="till_not_found")
    return till


def list_tills(actor: Actor) -> list[Till]:
    return list(db.session.scalars(select(Till).where(Till.salon_id == actor.salon_id).order_by(Till.code)))


def update_till(actor: Actor, code: str, fields: dict) -> Till:
    with transaction():
        till = db.session.scalars(select(Till).where(Till.salon_id == actor.salon_id, Till.code == code)).first()
        if till is None:
            raise NotFound(f"This salon has no till {code!r}.", code="till_not_found")
        before = {name: getattr(till, name) for name in fields}
        for name, value in fields.items():
            setattr(till, name, value)
        audit.record(actor, "till.update", f"till {till.code}", *audit.changed_only(before, fields))
        return till
