"""The sale a till is working on, shared by the cashier's screen and the client's display."""
from __future__ import annotations

from pos_loyalty.extensions import db
from pos_loyalty.models import TillScreen
from pos_loyalty.runtime import runtime
from pos_loyalty.services.transaction import transaction


def screen_of(till_id: int) -> TillScreen:
    screen = db.session.get(TillScreen, till_id)
    return screen or TillScreen(till_id=till_id, sale_id=None, client_id=None, cashier="",
                                updated_at=runtime().now())


def show(till_id: int, *, sale_id: int | None, client_id: int | None, cashier: str) -> TillScreen:
    with transaction():
        screen = db.session.get(TillScreen, till_id)
        if screen is None:
            screen = TillScreen(till_id=till_id)
            db.session.add(screen)
        screen.sale_id, screen.client_id, screen.cashier = sale_id, client_id, cashier
        screen.updated_at = runtime().now()
        return screen
