"""The sale a till is working on, shared by the cashier's screen and the client's display.

Both act at the actor's own till, which must be one of the actor's salon (a session or token never shows
or drives another salon's till); the sale on it is read through the salon's own sales.
"""
from __future__ import annotations

from sqlalchemy import select

from pos_loyalty.extensions import db
from pos_loyalty.models import Sale, TillScreen
from pos_loyalty.runtime import runtime
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.tills import till_of
from pos_loyalty.services.transaction import transaction


def screen_of(actor: Actor) -> TillScreen:
    till = till_of(actor)
    screen = db.session.get(TillScreen, till.id)
    return screen or TillScreen(till_id=till.id, sale_id=None, client_id=None, cashier="",
                                updated_at=runtime().now())


def displayed_sale_id(actor: Actor, screen: TillScreen) -> int | None:
    """The sale the till's client display shows: the one on the cashier's screen, unless a host POS opened a
    newer one at this till through the API since the screen last changed (it drives the same till)."""
    newer = db.session.scalar(
        select(Sale.id).where(Sale.till_id == screen.till_id, Sale.salon_id == actor.salon_id,
                              Sale.created_at > screen.updated_at)
        .order_by(Sale.created_at.desc(), Sale.id.desc()).limit(1))
    return newer or screen.sale_id


def touch(actor: Actor) -> None:
    """The cashier acted on the screen's sale: the display comes back to it from a host POS's sale."""
    with transaction():
        screen = db.session.get(TillScreen, till_of(actor).id)
        if screen is not None:
            screen.updated_at = runtime().now()


def show(actor: Actor, *, sale_id: int | None, client_id: int | None) -> TillScreen:
    with transaction():
        till = till_of(actor)
        screen = db.session.get(TillScreen, till.id)
        if screen is None:
            screen = TillScreen(till_id=till.id)
            db.session.add(screen)
        screen.sale_id, screen.client_id, screen.cashier = sale_id, client_id, actor.name
        screen.updated_at = runtime().now()
        return screen
