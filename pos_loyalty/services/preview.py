"""What if: the points the last 3, 6 or 12 months of paid sales earned, against what they would earn with a
change to the programme or its rules, and the clients who would then reach a reward. Changes nothing.

The sales are priced by the recalculation's planning (services/recalculation.plan_credits): the same set-based
loading and the same `quote_sale` with the same plugins as at the till, given today's programme with the
changes applied instead of today's. No second copy of any earning rule.

The period is the salon's: from its local midnight `months` months before its today. The sales are the
acting salon's (a salon sees only its own sales); balances and rewards belong to the whole chain.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from pos_loyalty.core.errors import Conflict, Invalid
from pos_loyalty.core.lots import add_months
from pos_loyalty.core.program import EarningRule, ProgramTerms
from pos_loyalty.extensions import db
from pos_loyalty.models import LOT_IS_OPEN, LedgerEntry, PointsAccount, PointsLot, Sale
from pos_loyalty.schemas.rules import validate_rule_params
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.context import active_rules, current_terms, salon_time
from pos_loyalty.services.program import PROGRAM_FIELDS, list_rewards
from pos_loyalty.services.recalculation import AUTOMATIC_KINDS, Pricing, paid_since, plan_credits, young_objects_only
from pos_loyalty.services.transaction import transaction

MONTHS = (3, 6, 12)
# A rule kind whose rules are one per key (services/program._check_rule_unique): two would be ambiguous.
UNIQUE_KEYS = {"service": "service_code", "category": "category"}


def preview(actor: Actor, changes: dict, months: int) -> dict:
    """`changes`: any PATCH /program fields (loaded values), and `rules`: the complete list of earning rules
    to use instead of today's, each a rule body as POST /rules takes it ({"kind", "active", fields...})."""
    if months not in MONTHS:
        raise Invalid("The preview covers the last 3, 6 or 12 months.", code="validation_error",
                      details={"months": ["One of: 3, 6, 12."]})
    with transaction():  # reads only: nothing is written, the commit has nothing to commit
        clock = salon_time(actor.salon_id)
        start = datetime.combine(add_months(clock.today, -months), time.min, ZoneInfo(clock.zone)).astimezone(UTC)
        today = current_terms()
        terms = changed_terms(today, changes)
        rules = proposed_rules(changes["rules"]) if "rules" in changes else active_rules()
        conditions = paid_since(start, actor.salon_id)
        with_changes, sales = _points_with(terms, rules, conditions, start, clock.now)
        actual = _points_earned(conditions)
        cheapest = min((reward.points_cost for reward in list_rewards(active_only=True)), default=None)
        balances = _balances(clock.today)
        moved = {client_id: with_changes.get(client_id, 0) - actual.get(client_id, 0)
                 for client_id in set(with_changes) | set(actual)}
        return {
            "sales": sales,
            "points_actual": sum(actual.values()),
            "points_with_changes": sum(with_changes.values()),
            "clients_reaching_a_reward_now": _reaching(balances, {}, cheapest) if today.enabled else 0,
            "clients_reaching_a_reward_with_changes": _reaching(balances, moved, cheapest) if terms.enabled else 0,
        }


def changed_terms(terms: ProgramTerms, changes: dict) -> ProgramTerms:
    settings = {name: value for name, value in changes.items() if name != "rules"}
    unknown = sorted(set(settings) - set(PROGRAM_FIELDS))
    if unknown:
        raise Invalid(f"Not a programme field: {', '.join(unknown)}.", code="validation_error",
                      details={"changes": {name: ["Unknown field."] for name in unknown}})
    if "points_per_unit" in settings:
        settings["points_per_unit"] = Decimal(str(settings["points_per_unit"]))
    return replace(terms, **settings)


def proposed_rules(bodies: list[dict]) -> tuple[EarningRule, ...]:
    """The active rules of a complete list of rule bodies, each checked by its kind's schema and kept as the
    rules API stores it (schemas/rules.py, POST /rules' own check); refused by position."""
    rules, errors = [], {}
    for index, body in enumerate(bodies):
        if not isinstance(body, dict):
            errors[index] = {"_schema": ["A rule is an object: its kind and the kind's fields."]}
            continue
        params = body["params"] if "params" in body else {k: v for k, v in body.items() if k not in ("kind", "active")}
        try:
            params = validate_rule_params(body.get("kind"), params)
        except Invalid as refused:
            errors[index] = refused.details
            continue
        if body.get("active", True):
            rules.append(EarningRule(id=-1 - index, kind=body["kind"], params=params))  # not stored: no id
    if errors:
        raise Invalid("Some fields are missing or invalid.", code="validation_error",
                      details={"changes": {"rules": errors}})
    _check_unique(rules)
    return tuple(rules)


def _check_unique(rules: tuple[EarningRule, ...] | list[EarningRule]) -> None:
    seen: set[tuple[str, str]] = set()
    for rule in rules:
        key = UNIQUE_KEYS.get(rule.kind)
        if key is None:
            continue
        value = str(rule.params[key])
        if (rule.kind, value.lower()) in seen:
            raise Conflict(f"A {rule.kind} rule for “{value}” exists already: edit that one.", code="rule_exists",
                           details={"changes": {"rules": {key: [f"Two {rule.kind} rules for “{value}”."]}}})
        seen.add((rule.kind, value.lower()))


def _points_with(terms: ProgramTerms, rules, conditions: tuple, start: datetime,
                 now: datetime) -> tuple[dict[int, int], int]:
    """Per client, the automatic points the period's sales earn under `terms` and `rules`; and the sales."""
    pricing = Pricing.of(terms, rules, now)
    points: dict[int, int] = {}
    sales = 0
    with young_objects_only():
        for planned in plan_credits(conditions, start, pricing):
            for client_id, credits in planned.credits.items():
                sales += len(credits)
                points[client_id] = points.get(client_id, 0) + sum(
                    earning.points for credit in credits for earning in credit.earnings
                    if earning.kind in AUTOMATIC_KINDS)
    return points, sales


def _points_earned(conditions: tuple) -> dict[int, int]:
    """Per client, the automatic points the ledger holds for the period's sales: what they earned."""
    rows = db.session.execute(
        select(Sale.client_id, func.sum(LedgerEntry.points))
        .join(LedgerEntry, LedgerEntry.sale_id == Sale.id)
        .join(PointsAccount, (PointsAccount.id == LedgerEntry.account_id) & (PointsAccount.client_id == Sale.client_id))
        .where(*conditions, LedgerEntry.kind.in_(AUTOMATIC_KINDS))
        .group_by(Sale.client_id))
    return {client_id: int(points) for client_id, points in rows}


def _balances(today: date) -> list[tuple[int, int, int]]:
    """(client id, balance as of today, available) of every account: points past their expiry date but not
    yet swept are left out, as the till's summary leaves them out; held points are not available."""
    stale = (select(PointsLot.account_id, func.sum(PointsLot.remaining).label("points"))
             .where(LOT_IS_OPEN, PointsLot.expires_on < today)
             .group_by(PointsLot.account_id).subquery())
    rows = db.session.execute(
        select(PointsAccount.client_id, PointsAccount.balance - func.coalesce(stale.c.points, 0), PointsAccount.held)
        .outerjoin(stale, stale.c.account_id == PointsAccount.id))
    return [(client_id, int(live), int(live) - int(held)) for client_id, live, held in rows]


def _reaching(balances: list[tuple[int, int, int]], moved: dict[int, int], cheapest: int | None) -> int:
    """The clients able to take at least one active reward (core.summary's rule: a balance not negative,
    and the reward's cost available), each balance moved by `moved`."""
    if cheapest is None:
        return 0
    count = 0
    for client_id, live, available in balances:
        delta = moved.get(client_id, 0)
        if live + delta >= 0 and available + delta >= cheapest:
            count += 1
    return count
