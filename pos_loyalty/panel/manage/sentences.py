"""Rules and rewards read as sentences in the manager's language ("×2 on Tuesdays from 1 January")."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from pos_loyalty.panel.context import money
from pos_loyalty.runtime import runtime


def rule_sentence(kind: str, params: dict) -> str:
    """A rule in words. Kinds from plugins without words of ours use their own `describe`."""
    if kind == "service":
        return _("%(points)s points for each %(code)s", points=params.get("points"), code=params.get("service_code"))
    if kind == "category":
        return _("%(points)s points for each service in %(category)s", points=params.get("points"),
                 category=params.get("category"))
    if kind == "multiplier":
        factor = format(Decimal(str(params.get("factor", "1"))).normalize(), "f")
        return _("×%(factor)s points", factor=factor)
    rule_kind = runtime().earning_rules.rule_kinds().get(kind)
    describe = getattr(rule_kind, "describe", None)
    return describe(params) if callable(describe) else kind


def reward_sentence(fields: dict) -> str:
    """"10 € off for 100 points", "10 % off for 150 points", "Free BRUSHING for 200 points"."""
    kind, value, cost = fields.get("kind"), fields.get("value"), fields.get("points_cost")
    name = fields.get("name") or ""
    if kind == "amount_off":
        what = _("%(amount)s off", amount=money(Decimal(str(value))))
    elif kind == "percent_off":
        what = _("%(percent)s %% off", percent=format(Decimal(str(value)).normalize(), "f"))
    elif kind == "free_item":
        what = _("free %(item)s", item=value)
    else:
        what = str(value)
    return _("“%(name)s”: %(what)s for %(points)s points", name=name, what=what, points=cost)
