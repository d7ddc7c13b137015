"""What every panel page needs: the salon, the signed-in cashier as an Actor, formatting helpers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency
from flask import Flask, g, session
from flask_babel import get_locale, gettext as _
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


@dataclass(frozen=True)
class SalonFacts:
    locale: str
    currency: str | None
    timezone: str


def salon_facts() -> SalonFacts:
    """The salon's locale, currency and time zone, read once per request: a page formats dozens of amounts
    and dates, and every commit of the request's use case expires the Salon row (one SELECT each time)."""
    salon_id = session.get("salon_id")
    cached = g.get("salon_facts")
    if cached is not None and cached[0] == salon_id:
        return cached[1]
    salon = current_salon()
    facts = (SalonFacts(salon.locale, salon.currency, salon.timezone) if salon
             else SalonFacts("fr_FR", None, "Europe/Paris"))
    g.salon_facts = (salon_id, facts)
    return facts


def salon_locale() -> str:
    return salon_facts().locale


def panel_actor() -> Actor:
    staff = current_user.staff
    role = "manager" if staff.role == "manager" else "till"
    return Actor(name=staff.name, role=role, salon_id=staff.salon_id, till_id=session.get("till_id"), channel="panel",
                 staff_id=staff.id)


def salon_currency() -> str:
    """Each salon's money shows in its own currency (a chain may span several)."""
    return salon_facts().currency or current_terms().currency


def panel_language() -> str:
    return str(get_locale() or salon_locale()).split("_")[0]


def date_locale() -> str:
    """The panel's language with the salon's territory where CLDR has it: an English panel in a French
    salon writes "2 Dec 2026" and "18:00" (en_FR), not "Dec 2, 2026" and "6:00 PM"; Italian in France has no
    it_FR, so plain Italian ("2 dic 2026")."""
    language = panel_language()
    territory = salon_locale().partition("_")[2]
    if territory:
        try:
            Locale.parse(f"{language}_{territory}")
            return f"{language}_{territory}"
        except (UnknownLocaleError, ValueError):
            pass
    return language


def number_locale() -> str:
    """Numbers and money in the reader's language ("€30.00", "1.5" in English; "30,00 €", "1,5" in French),
    with the salon's own conventions when the panel speaks the salon's language (fr_CH writes "30.00 CHF")."""
    language = panel_language()
    return salon_locale() if salon_locale().split("_")[0] == language else language


def money(amount) -> str:
    """In the salon's currency, written the panel's way (receipts keep the salon's locale)."""
    return format_currency(amount, salon_currency(), locale=number_locale())


def salon_zone() -> ZoneInfo:
    return ZoneInfo(salon_facts().timezone)


def day(value) -> str:
    """A date, or the salon's date of a moment (a payment at 00:30 in Paris is on that Paris day)."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(salon_zone()).date()
    return format_date(value, format="medium", locale=date_locale())


def moment(value) -> str:
    """A moment in the salon's time zone (the database keeps UTC)."""
    return format_datetime(value, format="short", tzinfo=salon_zone(), locale=date_locale()) if value else ""


def register_template_helpers(app: Flask) -> None:
    from pos_loyalty.panel import history_words

    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["moment"] = moment
    app.jinja_env.filters["signed"] = signed
    app.jinja_env.filters["ledger_kind"] = ledger_kind
    app.jinja_env.filters["reward_status"] = reward_status
    app.jinja_env.globals["salon_currency"] = salon_currency
    app.jinja_env.globals["get_locale"] = get_locale  # <html lang> says the page's language to screen readers
    app.jinja_env.filters["ratio"] = ratio
    app.jinja_env.filters["entry_text"] = history_words.entry_text  # a ledger entry in the reader's language

    @app.context_processor
    def back_office_menu():
        from pos_loyalty.panel.manage import MENU

        from pos_loyalty.panel.manage.change_words import currency_unit

        return {"manage_menu": MENU, "currency_unit": currency_unit}


def ratio(value) -> str:
    """1.5 points per euro as the panel's language writes it: "1,5" in French, "1.5" in English; no trailing
    zeros."""
    from decimal import Decimal

    from babel.numbers import format_decimal

    return format_decimal(Decimal(str(value)).normalize(), format="#,##0.####", locale=number_locale())


def signed(points: int) -> str:
    """+75, −100 (a real minus sign), 0."""
    return f"{points:+d}".replace("-", "\u2212") if points else "0"


def ledger_kind(kind: str) -> str:
    """Where points came from or went, in the cashier's words (the ledger stores a stable kind)."""
    words = {"earn": _("Purchase"), "service": _("Service"), "bonus": _("Bonus"), "referral": _("Referral bonus"),
             "welcome": _("Welcome bonus"), "redeem": _("Reward used"), "expire": _("Expiry"),
             "adjust": _("Adjustment"), "refund": _("Refund")}
    return words.get(kind, kind)


def reward_status(status: str) -> str:
    words = {"available": _("to use"), "held": _("on an open sale"), "used": _("used"), "redeemed": _("used"),
             "returned": _("points returned (refund)"),
             "issued": _("to use"), "void": _("voided")}  # a milestone code's status (services/milestones.py)
    return words.get(status, status)
