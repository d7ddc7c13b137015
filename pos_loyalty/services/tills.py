"""The salon's tills and their printer settings."""
from __future__ import annotations

import hmac

from sqlalchemy import select

from pos_loyalty.core.errors import NotFound
from pos_loyalty.extensions import db
from pos_loyalty.models import Till
from pos_loyalty.services import audit
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.secret_keys import digest, new_secret
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


def salon_till(actor: Actor, code: str, *, for_update: bool = False) -> Till:
    """One of the actor's salon's tills by its code; another salon's is not found, like a missing one."""
    query = select(Till).where(Till.salon_id == actor.salon_id, Till.code == code)
    till = db.session.scalars(query.with_for_update() if for_update else query).first()
    if till is None:
        raise NotFound(f"This salon has no till {code!r}.", code="till_not_found")
    return till


# The client display's pairing: a manager makes a link with a long random secret, once; the display's browser
# opens it and keeps a signed cookie naming the till and the pairing (panel/display.py). Only the secret's
# digest is stored, so a new pairing, or none, makes the old link and every display paired with it stop.
def pair_display(actor: Actor, code: str) -> tuple[Till, str]:
    """A new pairing of the till's client display; returns the secret of its link (shown once)."""
    with transaction():
        till = salon_till(actor, code, for_update=True)
        secret = new_secret()
        replaced = till.display_key_hash is not None
        till.display_key_hash = digest(secret)
        audit.record(actor, "display.pair", f"till {till.code}", {"paired": replaced}, {"paired": True})
        return till, secret


def unpair_display(actor: Actor, code: str) -> Till:
    with transaction():
        till = salon_till(actor, code, for_update=True)
        if till.display_key_hash is not None:
            till.display_key_hash = None
            audit.record(actor, "display.unpair", f"till {till.code}", {"paired": True}, {"paired": False})
        return till


def till_of_display_link(secret: str) -> Till | None:
    """The till whose current pairing link holds this secret (None: unknown, or replaced since)."""
    if not secret or len(secret) > 200:
        return None
    return db.session.scalars(select(Till).where(Till.display_key_hash == digest(secret))).first()


def till_of_paired_display(till_id: int, key_hash: str) -> Till | None:
    """The till a display's cookie names, if that pairing is still the till's current one."""
    till = db.session.get(Till, till_id) if isinstance(till_id, int) else None
    if till is None or till.display_key_hash is None or not isinstance(key_hash, str) \
            or not hmac.compare_digest(till.display_key_hash.encode(), key_hash.encode()):
        return None
    return till
