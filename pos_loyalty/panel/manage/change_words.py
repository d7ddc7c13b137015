"""A programme version's changes in the manager's words: "Points per euro: 1 → 2", never raw data.

The versions page, the audit page and the message after a save all read changes through `describe`.
Rules and rewards ("rule 3", "reward 2") are worded by `rule_sentence` and `reward_sentence`.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from pos_loyalty.panel.context import day, money, ratio, salon_currency


def _yes_no(value) -> str:
    return _("yes") if value else _("no")


def currency_unit() -> str:
    """"euro", "franc suisse": the salon's currency named in the panel's language (Babel's CLDR names)."""
    from babel.numbers import get_currency_name
    from flask_babel import get_locale

    return get_currency_name(salon_currency(), count=1, locale=get_locale() or "en")


def _ratio_label() -> str:
    return _("Points per %(unit)s", unit=currency_unit())


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
        "reward_mode": lambda: _("Reward mode"),
        "referral_thanks_email": lambda: _("Thank the referrer by e-mail"),
    }
    return labels[name]() if name in labels else name


def value_words(name: str, value) -> str:
    if name == "validity_months":
        return _("never expire") if value is None else _("%(months)s months", months=value)
    if name == "rounding":
        return {"floor": _("down"), "half_up": _("to the nearest"), "ceiling": _("up")}.get(value, str(value))
    if name == "points_per_unit" and value is not None:
        return ratio(value)
    if name == "reward_mode":
        return {"redeem": _("rewards cost points"),
                "milestone": _("rewards unlocked as codes (points never spent)")}.get(value, str(value))
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
        return _changed_item(kind, number, before, after)
    return labelled(field_label(name), f"{value_words(name, before)} → {value_words(name, after)}")


def labelled(label: str, text: str) -> str:
    """"Label: text", with the language's own colon ("Libellé : texte" in French)."""
    return _("%(label)s: %(text)s", label=label, text=text)


def _changed_item(kind: str, number: str, before: dict, after: dict) -> str:
    """"Reward 3: <before> → <after>"; "Reward 3 retired: <it>" when only its `active` changed; the fields
    themselves when the sentence reads the same (a description, a name the sentence leaves out)."""
    words = rule_words if kind == "rule" else reward_words
    changed = [key for key in [*before, *(k for k in after if k not in before)] if before.get(key) != after.get(key)]
    if changed == ["active"]:
        if kind == "rule":
            label = (_("Rule %(number)s back in force", number=number) if after.get("active")
                     else _("Rule %(number)s paused", number=number))
        else:
            label = (_("Reward %(number)s offered again", number=number) if after.get("active")
                     else _("Reward %(number)s retired", number=number))
        return labelled(label, words(after))
    label = _("Rule %(number)s", number=number) if kind == "rule" else _("Reward %(number)s", number=number)
    old, new = words(before), words(after)
    # What the sentence does not say (a description, a name it leaves out) is said field by field.
    unsaid = [key for key in changed if key != "active" and (old == new or item_value_words(key, after.get(key)) not in new)]
    fields = [labelled(item_field_label(key),
                       f"{item_value_words(key, before.get(key))} → {item_value_words(key, after.get(key))}")
              for key in unsaid]
    detail = "; ".join(([f"{old} → {new}"] if old != new else []) + fields)
    if "active" in changed:
        detail += " (" + (_("in force") if after.get("active") else _("no longer in force")) + ")"
    return labelled(label, detail)


def describe_all(changes: dict[str, list]) -> list[str]:
    return [describe(name, pair[0], pair[1]) for name, pair in changes.items()]


def item_field_label(name: str) -> str:
    """Any stored field in words: the programme's, a rule's, a reward's, an item's, a till's, a token's."""
    labels = {
        "name": lambda: _("Name"), "kind": lambda: _("Kind"), "value": lambda: _("Value"),
        "points_cost": lambda: _("Points cost"), "description": lambda: _("Description"),
        "active": lambda: _("In force"), "sale_earns": lambda: _("A sale using it earns points"),
        "service_code": lambda: _("Service"), "category": lambda: _("Category"), "points": lambda: _("Points"),
        "factor": lambda: _("Factor"), "starts_on": lambda: _("From"), "ends_on": lambda: _("Until"),
        "weekdays": lambda: _("Days"), "from_time": lambda: _("From (time)"), "to_time": lambda: _("Until (time)"),
        "min_amount": lambda: _("Minimum amount"), "code": lambda: _("Code"), "price": lambda: _("Price"),
        "retired": lambda: _("Retired"), "display_name": lambda: _("Name shown"), "role": lambda: _("Role"),
        "till": lambda: _("Till"), "expires_at": lambda: _("Expires"), "revoked": lambda: _("Revoked"),
        "printer_url": lambda: _("Printer"), "printer_width": lambda: _("Receipt width (characters)"),
        "balance": lambda: _("Balance"), "reason": lambda: _("Reason"), "status": lambda: _("Status"),
        "reward_id": lambda: _("Reward"), "grant_id": lambda: _("Grant"),
        "points_reversed": lambda: _("Points taken back"), "points_returned": lambda: _("Points given back"),
        "referral_code": lambda: _("Referral code"), "subscriber": lambda: _("Subscriber"),
        "email_opt_in": lambda: _("E-mails accepted"), "first_name": lambda: _("First name"),
        "last_name": lambda: _("Last name"), "phone": lambda: _("Phone"), "email": lambda: _("E-mail"),
        "reward_mode": lambda: _("Reward mode"),
    }
    if name in labels:
        return labels[name]()
    label = field_label(name)
    return label if label != name else name.replace("_", " ").capitalize()


def item_value_words(name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if name == "role" and isinstance(value, str):
        roles = {"till": lambda: _("till"), "manager": lambda: _("manager"), "cashier": lambda: _("cashier")}
        return roles[value]() if value in roles else value
    if name == "kind" and isinstance(value, str):
        kinds = {"amount_off": lambda: _("amount off"), "percent_off": lambda: _("percent off"),
                 "free_item": lambda: _("free item"), "service": lambda: _("service"),
                 "product": lambda: _("product"), "category": lambda: _("category"),
                 "multiplier": lambda: _("multiplier"), "visit": lambda: _("visit")}
        return kinds[value]() if value in kinds else value
    if name in ("price", "min_amount") and isinstance(value, (str, int, float)):
        try:
            return money(Decimal(str(value)))
        except ArithmeticError:
            return str(value)
    if name in ("starts_on", "ends_on") and isinstance(value, str):
        try:
            return day(date.fromisoformat(value))
        except ValueError:
            return value
    if name == "weekdays" and isinstance(value, list):
        from babel.dates import get_day_names
        from flask_babel import get_locale

        days = get_day_names("abbreviated", locale=get_locale() or "en")
        return ", ".join(days[day - 1] if isinstance(day, int) and 1 <= day <= 7 else str(day) for day in value) \
            or _("every day")
    if isinstance(value, (list, tuple)):
        return ", ".join(item_value_words(name, item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{item_field_label(key)}: {item_value_words(key, item)}" for key, item in value.items())
    return value_words(name, value)


__all__ = ["describe", "describe_all", "field_label", "item_field_label", "item_value_words", "value_words", "money"]
