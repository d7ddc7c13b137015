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
            salon = Salon(code="main", name=name, address="", vat_number="", timezone=timezone, locale=locale,
                          currency=currency, created_at=now)
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


def salon_by_code(code: str | None) -> Salon:
    """The salon a command names, or the first one (a single-salon installation never has to say)."""
    from pos_loyalty.core.errors import Invalid

    if code is None:
        return ensure_salon()
    salon = db.session.scalars(select(Salon).where(Salon.code == code)).first()
    if salon is None:
        raise Invalid(f"No salon has the code “{code}”.", code="unknown_salon")
    return salon


def add_salon(code: str, name: str, timezone: str = "Europe/Paris", locale: str = "fr_FR", currency: str = "EUR",
              address: str = "", vat_number: str = "") -> Salon:
    """Another salon of the chain: its own tills, catalogue and staff; the clients and points are shared."""
    import re
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from babel import Locale, UnknownLocaleError

    from pos_loyalty.core.errors import Conflict, Invalid

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", code):
        raise Invalid("A salon code is lower-case letters, digits and dashes: paris-11.", code="bad_salon_code")
    if not name.strip():
        raise Invalid("Give the salon's name.", code="bad_name")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"Unknown time zone {timezone!r} (e.g. Europe/Paris).", code="bad_timezone") from None
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        raise Invalid(f"Unknown locale {locale!r} (e.g. fr_FR, en_GB, it_IT).", code="bad_locale") from None
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise Invalid("A currency is an ISO code such as EUR.", code="bad_currency")
    with transaction():
        ensure_salon()
        if db.session.scalars(select(Salon).where(Salon.code == code)).first():
            raise Conflict(f"A salon has the code {code} already.", code="salon_exists")
        salon = Salon(code=code, name=name.strip(), address=address, vat_number=vat_number, timezone=timezone,
                      locale=locale, currency=currency, created_at=runtime().now())
        db.session.add(salon)
        db.session.flush()
        ensure_till(salon, "till-1")
        return salon
