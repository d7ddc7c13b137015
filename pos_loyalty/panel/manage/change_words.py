"""A programme version's changes in the manager's words: "Points per euro: 1 → 2", never raw data.

The versions page, the audit page and the message after a save all read changes through `describe`.
Rules and rewards ("rule 3", "reward 2") are worded by `rule_sentence` and `reward_sentence`.
"""
from __future__ import annotations

from flask_babel import gettext as _

from pos_loyalty.panel.context import money, ratio, salon_currency


def _yes_no(value) -> str:
    return _("yes") if value else _("no")


def _ratio_label() -> str:
    return _("Points per %(unit)s", unit={"EUR": _("euro"), "CHF": _("franc"), "GBP": _("pound")}.get(
        salon_currency(), salon_currency()))


def field_label(name: str) -> str:
    labels = {
        "enabled": lambda: _("Programme on"),
        "currency": lambda: _("Currency"),
        "points_per_unit": _ratio_label,
        "rounding": lambda: _("Rounding"),
        "validity_months": lambda: _("Points valid for (months)"),
        "products_earn": lambda: _("Products earn points"),
        "discounted_sales_earn": lambda: _("Discounted sales earn points"),
        "subscribers_earn": lambda: _("Subscribers earn points"),
        "referrer_bonus": lambda: _("Referrer's bonus"),
        "welcome_bonus": lambda: _("Welcome bonus"),
        "allow_stacking": lambda: _("A reward and a discount code together"),
        "catalogue_only": lambda: _("Sale lines must name a catalogue item"),
    }
    return labels[name]() if name in labels else name


def value_words(name: str, value) -> str:
    if name == "validity_months":
        return _("never expire") if value is None else _("%(months)s months", months=value)
    if name == "rounding":
        return {"floor": _("down"), "half_up": _("to the nearest"), "ceiling": _("up")}.get(value, str(value))
    if name == "points_per_unit" and value is not None:
        return ratio(value)
    if isinstance(value, bool):
        return _yes_no(value)
    if name in ("referrer_bonus", "welcome_bonus"):
        return _("%(points)s points", points=value)
    return "" if value is None else str(value)


def rule_words(params: dict | None) -> str:
    if not params:
        return _("none")
    from pos_loyalty.panel.manage.sentences import rule_sentence

    return rule_sentence(params.get("kind", ""), params)


def reward_words(fields: dict | None) -> str:
    if not fields:
        return _("none")
    from pos_loyalty.panel.manage.sentences import reward_sentence

    return reward_sentence(fields)


def describe(name: str, before, after) -> str:
    """One change as a line: "Points per euro: 1 → 2", "New rule: ×2 on Tuesdays", "Reward 3 retired"."""
    kind, _space, number = name.partition(" ")
    if kind in ("rule", "reward") and number.isdigit():
        words = rule_words if kind == "rule" else reward_words
        if before is None:
            return (_("New rule: %(what)s", what=words(after)) if kind == "rule"
                    else _("New reward: %(what)s", what=words(after)))
        if after is None:
            return (_("Rule removed: %(what)s", what=words(before)) if kind == "rule"
                    else _("Reward removed: %(what)s", what=words(before)))
        return f"{words(before)} → {words(after)}"
    return f"{field_label(name)}: {value_words(name, before)} → {value_words(name, after)}"


def describe_all(changes: dict[str, list]) -> list[str]:
    return [describe(name, pair[0], pair[1]) for name, pair in changes.items()]


__all__ = ["describe", "describe_all", "field_label", "value_words", "money"]
