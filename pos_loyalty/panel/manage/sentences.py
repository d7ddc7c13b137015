"""Rules and rewards read as sentences in the manager's language ("×2 on Tuesdays from 1 January")."""
from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from babel.dates import format_date, format_time, get_day_names
from babel.numbers import format_decimal
from flask import g, has_app_context
from flask_babel import gettext as _, ngettext
from sqlalchemy import select

from pos_loyalty.extensions import db
from pos_loyalty.models import CatalogueCategory, CatalogueItem
from pos_loyalty.panel.context import current_salon, date_locale, money, number_locale, ratio
from pos_loyalty.runtime import runtime
from pos_loyalty.services import milestones


def rule_sentence(kind: str, params: dict) -> str:
    """A rule in words: "50 points for each Portrait", "Mardi points doublés: ×2 on Tuesdays from 1 January
    2027". Kinds from plugins without words of ours use their own `describe`. The rule's state (in force,
    paused) is the caller's to say: a badge on the rules page, "Rule 3 paused: …" in the versions."""
    if kind == "service":
        code = str(params.get("service_code") or "")
        return ngettext("%(num)s point for each %(item)s", "%(num)s points for each %(item)s",
                        _points(params), item=_catalogue_names().get(code.upper(), code))
    if kind == "category":
        return ngettext("%(num)s point for each service in %(category)s",
                        "%(num)s points for each service in %(category)s", _points(params),
                        category=category_name(str(params.get("category") or "")))
    if kind == "multiplier":
        return _multiplier_words(params)
    if kind == "visit":
        return _visit_words(params)
    rule_kind = runtime().earning_rules.rule_kinds().get(kind)
    describe = getattr(rule_kind, "describe", None)
    if callable(describe):
        try:
            return str(describe(params))
        except (KeyError, TypeError, ValueError, ArithmeticError):  # a plugin's words must not break the page
            pass
    return kind


def _visit_words(params: dict) -> str:
    """ "1 point per visit (from €20.00)": a stamp card's rule, with the least a visit must pay to count."""
    minimum = params.get("min_amount")
    if minimum in (None, ""):
        return ngettext("%(num)s point per visit", "%(num)s points per visit", _points(params))
    try:
        amount = money(Decimal(str(minimum)))
    except ArithmeticError:
        amount = str(minimum)
    return ngettext("%(num)s point per visit (from %(amount)s)", "%(num)s points per visit (from %(amount)s)",
                    _points(params), amount=amount)


def _points(params: dict) -> int:
    try:
        return int(params.get("points") or 0)
    except (TypeError, ValueError):
        return 0


def _multiplier_words(params: dict) -> str:
    """"×2 on Tuesdays from 1 January 2027", "×1.5 Mon, Sat 18:00–20:00 until 31 March 2027"."""
    locale = words_locale()  # times as the panel's `moment` writes them (18:00 in an English panel in France)
    try:
        factor = format_decimal(Decimal(str(params.get("factor", "1"))).normalize(), format="#,##0.##",
                                locale=number_locale())  # the factor as the panel's `ratio` writes numbers
    except ArithmeticError:
        factor = str(params.get("factor"))
    parts = [_("×%(factor)s", factor=factor)]
    days = weekday_words(params.get("weekdays") or [])
    if days:
        parts.append(days)
    if params.get("from_time") and params.get("to_time"):
        parts.append(_("%(start)s–%(end)s", start=_clock(params["from_time"], locale),
                       end=_clock(params["to_time"], locale)))
    starts_on, ends_on = _date(params.get("starts_on")), _date(params.get("ends_on"))
    if starts_on and ends_on and starts_on == ends_on:
        parts.append(_("on %(day)s", day=long_day(starts_on)))
    elif starts_on and ends_on:
        parts.append(_("from %(start)s to %(end)s", start=long_day(starts_on), end=long_day(ends_on)))
    elif starts_on:
        parts.append(_("from %(day)s", day=long_day(starts_on)))
    elif ends_on:
        parts.append(_("until %(day)s", day=long_day(ends_on)))
    words = " ".join(parts)
    name = (params.get("description") or "").strip()
    return _("%(name)s: %(rule)s", name=name, rule=words) if name else words


def _every(day: int) -> str:
    return {1: _("on Mondays"), 2: _("on Tuesdays"), 3: _("on Wednesdays"), 4: _("on Thursdays"),
            5: _("on Fridays"), 6: _("on Saturdays"), 7: _("on Sundays")}[day]


def weekday_words(weekdays) -> str:
    """One day: "on Tuesdays"; several: babel's short names, runs of three or more as a span ("Mon–Fri,
    Sun"); every day or none: "" (no restriction to say)."""
    days = sorted({int(d) for d in weekdays if str(d).isdigit() and 1 <= int(d) <= 7})
    if not days or len(days) == 7:
        return ""
    if len(days) == 1:
        return _every(days[0])
    names = get_day_names("abbreviated", locale=words_locale())  # 0 = Monday
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    pieces = []
    for run in runs:
        if len(run) >= 3:
            pieces.append(f"{names[run[0] - 1]}–{names[run[-1] - 1]}")
        else:
            pieces.extend(names[d - 1] for d in run)
    return ", ".join(pieces)


def weekday_names() -> list[tuple[int, str]]:
    """(ISO number, the day's full name in the panel's language), Monday first: the weekday picker."""
    names = get_day_names("wide", locale=words_locale())
    return [(number, names[number - 1]) for number in range(1, 8)]


def words_locale() -> str:
    """The panel's language with the salon's conventions: an English panel in a French salon writes
    "1 January 2027" and "18:00" (en_FR), not the American "January 1, 2027" and "6:00 PM"."""
    return date_locale()  # the same as the panel's `day` and `moment`


def long_day(value: date) -> str:
    return format_date(value, format="long", locale=words_locale())


def _date(value) -> date | None:
    if isinstance(value, date) or not value:
        return value or None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _clock(value, locale: str) -> str:
    try:
        moment = value if isinstance(value, time) else time.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return format_time(moment, format="short", locale=locale)


def _catalogue_names() -> dict[str, str]:
    """The salon's item names by code (retired ones too: a rule may outlive its item), once per request."""
    cached = getattr(g, "_rule_item_names", None) if has_app_context() else None
    if cached is None:
        cached = {}
        salon = current_salon()
        if salon is not None:
            rows = db.session.execute(select(CatalogueItem.code, CatalogueItem.name)
                                      .where(CatalogueItem.salon_id == salon.id))
            cached = {code.upper(): name for code, name in rows}
        if has_app_context():
            g._rule_item_names = cached
    return cached


def category_names() -> dict[str, str]:
    """The salon's category display names by lower-case code ("colour" → "Couleur"), once per request."""
    cached = getattr(g, "_rule_category_names", None) if has_app_context() else None
    if cached is None:
        cached = {}
        salon = current_salon()
        if salon is not None:
            rows = db.session.execute(select(CatalogueCategory.code, CatalogueCategory.display_name)
                                      .where(CatalogueCategory.salon_id == salon.id))
            cached = {code.lower(): name for code, name in rows if name}
        if has_app_context():
            g._rule_category_names = cached
    return cached


def category_name(code: str) -> str:
    """The category's display name, or its code made readable ("hair_colour" → "Hair Colour")."""
    return category_names().get(code.lower()) or code.replace("_", " ").replace("-", " ").title()


def reward_sentence(fields: dict) -> str:
    """"“10 € off”: 10,00 € off for 100 points", "“Brushing offert”: a free Brushing for 200 points". Its
    state (offered, retired) is the caller's to say, as for rules."""
    return _("“%(name)s”: %(terms)s", name=fields.get("name") or "", terms=reward_terms(fields))


def reward_terms(fields: dict) -> str:
    """What a reward gives and costs, "10,00 € off for 100 points": money and numbers as the salon writes
    them, a free item by its name in the salon's catalogue."""
    kind, value, cost = fields.get("kind"), fields.get("value"), fields.get("points_cost")
    if kind == "amount_off":
        what = _("%(amount)s off", amount=money(Decimal(str(value))))
    elif kind == "percent_off":
        what = _("%(percent)s %% off", percent=ratio(value))
    elif kind == "free_item":
        what = _("a free %(item)s", item=_item_name(str(value or "")))
    else:
        what = str(value)
    if milestones.in_milestone_mode():  # points are never spent: the reward is issued at a threshold
        return _("%(what)s at %(points)s lifetime points", what=what, points=cost)
    return _("%(what)s for %(points)s points", what=what, points=cost)


def _item_name(code: str) -> str:
    """The item's name in the salon's catalogue (retired items too), else its code."""
    return _catalogue_names().get(code.upper(), code)
