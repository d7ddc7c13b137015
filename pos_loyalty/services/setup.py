"""First run: the salon, its first till and the program's first version, when the database has none."""
from __future__ import annotations

from sqlalchemy import select

from pos_loyalty.extensions import db
from pos_loyalty.models import Salon, Till
from pos_loyalty.runtime import runtime
from pos_loyalty.services.program import ensure_program
from pos_loyalty.services.transaction import transaction


def ensure_salon(name: str = "My salon", timezone: str = "Europe/Paris", locale: str = "fr_FR",
                 currency: str = "EUR") -> Salon:
    with transaction():
        now = runtime().now()
        ensure_program(now)
        salon = db.session.scalars(select(Salon).order_by(Salon.id).limit(1)).first()
        if salon is None:
            salon = Salon(name=name, address="", vat_number="", timezone=timezone, locale=locale, currency=currency,
                          created_at=now)
            db.session.add(salon)
            db.session.flush()
        ensure_till(salon, "till-1")
        return salon


def ensure_till(salon: Salon, code: str) -> Till:
    with transaction():
        till = db.session.scalars(select(Till).where(Till.salon_id == salon.id, Till.code == code)).first()
        if till is None:
            till = Till(salon_id=salon.id, code=code, name=code, printer_url=None, printer_width=48)
            db.session.add(till)
            db.session.flush()
        return till
