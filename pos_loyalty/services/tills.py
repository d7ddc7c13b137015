"""The salon's tills and their printer settings."""
from __future__ import annotations

from sqlalchemy import select

from pos_loyalty.core.errors import NotFound
from pos_loyalty.extensions import db
from pos_loyalty.models import Till
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.transaction import transaction


def list_tills(actor: Actor) -> list[Till]:
    return list(db.session.scalars(select(Till).where(Till.salon_id == actor.salon_id).order_by(Till.code)))


def update_till(actor: Actor, code: str, fields: dict) -> Till:
    with transaction():
        till = db.session.scalars(select(Till).where(Till.salon_id == actor.salon_id, Till.code == code)).first()
        if till is None:
            raise NotFound(f"This salon has no till {code!r}.", code="till_not_found")
        for name, value in fields.items():
            setattr(till, name, value)
        return till
