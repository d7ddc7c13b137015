"""What every panel page needs: the salon, the signed-in cashier as an Actor, formatting helpers."""
from __future__ import annotations

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency
from flask import Flask, session
from flask_login import current_user

from pos_loyalty.extensions import db
from pos_loyalty.models import Salon
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.context import current_terms


def current_salon() -> Salon | None:
    salon_id = session.get("salon_id")
    salon = db.session.get(Salon, salon_id) if salon_id else None
    if salon is None:
        from sqlalchemy import select

        salon = db.session.scalars(select(Salon).order_by(Salon.id).limit(1)).first()
    return salon


def salon_locale() -> str:
    salon = current_salon()
    return salon.locale if salon else "fr_FR"


def panel_actor() -> Actor:
    staff = current_user.staff
    role = "manager" if staff.role == "manager" else "till"
    return Actor(name=staff.name, role=role, salon_id=staff.salon_id, till_id=session.get("till_id"))


def money(amount) -> str:
    return format_currency(amount, current_terms().currency, locale=salon_locale())


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["day"] = lambda value: format_date(value, format="medium", locale=salon_locale()) \
        if value else ""
    app.jinja_env.filters["moment"] = lambda value: format_datetime(value, format="short", locale=salon_locale()) \
        if value else ""
    app.jinja_env.filters["signed"] = lambda value: f"{value:+d}"
