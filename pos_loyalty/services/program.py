"""Managers change the program: every change is a new version; past points and rewards stay as they are."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from pos_loyalty.core.errors import Conflict, Invalid, NotFound
from pos_loyalty.extensions import db
from pos_loyalty.models import CatalogueItem, EarningRuleRow, ProgramVersion, Reward
from pos_loyalty.runtime import runtime
from pos_loyalty.services import audit
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.context import current_program
from pos_loyalty.services.transaction import transaction, use_case_cache

PROGRAM_FIELDS = ("enabled", "currency", "points_per_unit", "rounding", "validity_months", "products_earn",
                  "discounted_sales_earn", "subscribers_earn", "referrer_bonus", "welcome_bonus", "allow_stacking",
                  "catalogue_only", "reward_mode", "referral_thanks_email")


def rule_as_dict(rule: EarningRuleRow) -> dict:
    return {"id": rule.id, "kind": rule.kind, **rule.params, "active": rule.active}


def reward_as_dict(reward: Reward) -> dict:
    return {"id": reward.id, "name": reward.name, "kind": reward.kind, "value": reward.value,
            "points_cost": reward.points_cost, "description": reward.description, "active": reward.active,
            "sale_earns": reward.sale_earns}


def new_version(change: str, actor_name: str, **settings) -> ProgramVersion:
    """Append a version: the current settings with `settings` applied, and today's rules and rewards."""
    previous = db.session.scalars(
        select(ProgramVersion).order_by(ProgramVersion.version.desc()).limit(1).with_for_update()
    ).first()
    values = {name: getattr(previous, name) for name in PROGRAM_FIELDS} if previous else {}
    values.update(settings)
    rules = db.session.scalars(select(EarningRuleRow).where(EarningRuleRow.deleted_at.is_(None))
                               .order_by(EarningRuleRow.id))
    rewards = db.session.scalars(select(Reward).where(Reward.deleted_at.is_(None)).order_by(Reward.id))
    version = ProgramVersion(
        **values,
        rules_snapshot=[rule_as_dict(r) for r in rules],
        rewards_snapshot=[reward_as_dict(r) for r in rewards],
        change=change[:250], changed_by=actor_name, created_at=runtime().now(),
    )
    db.session.add(version)
    db.session.flush()
    db.session.info["program_version"] = version.version
    cache = use_case_cache()
    if cache is not None:  # not final until committed: context.active_rules() must not remember it
        cache["uncommitted_program_version"] = version.version
    return version


def update_program(actor: Actor, changes: dict) -> ProgramVersion:
    with transaction():
        current = current_program()
        changed = {k: v for k, v in changes.items() if getattr(current, k) != v}
        if not changed:
            return current
        audit.record(actor, "program.update", "program", {k: _plain(getattr(current, k)) for k in changed},
                     {k: _plain(v) for k, v in changed.items()})
        return new_version("program: " + ", ".join(sorted(changed)), actor.name, **changed)


def _plain(value):
    """A ratio as the manager typed it ("1", "1.5"), not the column's four decimals ("1.0000")."""
    return format(value.normalize(), "f") if isinstance(value, Decimal) else value


def list_rules() -> list[EarningRuleRow]:
    return list(db.session.scalars(select(EarningRuleRow).where(EarningRuleRow.deleted_at.is_(None))
                                   .order_by(EarningRuleRow.id)))


def get_rule(rule_id: int) -> EarningRuleRow:
    rule = db.session.get(EarningRuleRow, rule_id)
    if rule is None or rule.deleted_at is not None:
        raise NotFound(f"Rule {rule_id} does not exist.", code="rule_not_found")
    return rule


def _check_rule_unique(kind: str, params: dict, rule_id: int | None = None) -> None:
    """One service rule per service code and one category rule per category: two would be ambiguous."""
    key = {"service": "service_code", "category": "category"}.get(kind)
    if key is None:
        return
    for other in list_rules():
        if other.id != rule_id and other.kind == kind and str(other.params.get(key)).lower() == str(params[key]).lower():
            raise Conflict(f"A {kind} rule for “{params[key]}” exists already (rule {other.id}): edit that one.",
                           code="rule_exists", details={"rule_id": other.id})


def create_rule(actor: Actor, kind: str, params: dict, active: bool = True) -> EarningRuleRow:
    with transaction():
        _check_rule_unique(kind, params)
        now = runtime().now()
        rule = EarningRuleRow(kind=kind, params=params, active=active, created_at=now, updated_at=now)
        db.session.add(rule)
        db.session.flush()
        audit.record(actor, "rule.create", f"rule {rule.id}", None, rule_as_dict(rule))
        new_version(f"rule {rule.id} created", actor.name)
        return rule


def update_rule(actor: Actor, rule_id: int, params: dict, active: bool | None) -> EarningRuleRow:
    with transaction():
        rule = get_rule(rule_id)
        before = rule_as_dict(rule)
        merged = {**rule.params, **params}
        _check_rule_unique(rule.kind, merged, rule.id)
        rule.params = merged
        if active is not None:
            rule.active = active
        rule.updated_at = runtime().now()
        audit.record(actor, "rule.update", f"rule {rule.id}", *audit.changed_only(before, rule_as_dict(rule)))
        new_version(f"rule {rule.id} changed", actor.name)
        return rule


def delete_rule(actor: Actor, rule_id: int) -> None:
    with transaction():
        rule = get_rule(rule_id)
        audit.record(actor, "rule.delete", f"rule {rule.id}", rule_as_dict(rule), None)
        rule.deleted_at = runtime().now()  # kept: past versions and ledger entries still name it
        rule.active = False
        new_version(f"rule {rule.id} deleted", actor.name)


def list_rewards(active_only: bool = False) -> list[Reward]:
    query = select(Reward).where(Reward.deleted_at.is_(None))
    if active_only:
        query = query.where(Reward.active.is_(True))
    return list(db.session.scalars(query.order_by(Reward.points_cost, Reward.id)))


def get_reward(reward_id: int) -> Reward:
    reward = db.session.get(Reward, reward_id)
    if reward is None or reward.deleted_at is not None:
        raise NotFound(f"Reward {reward_id} does not exist.", code="reward_not_found")
    return reward


def _check_reward(fields: dict) -> None:
    if fields.get("kind") == "free_item":
        code = fields.get("value", "")
        exists = db.session.scalars(select(CatalogueItem.id).where(CatalogueItem.code == code).limit(1)).first()
        if exists is None:
            raise Invalid(f"No service or product has the code “{code}”.", code="unknown_item",
                          details={"value": [f"Unknown item code {code!r}."]})


def create_reward(actor: Actor, fields: dict) -> Reward:
    with transaction():
        _check_reward(fields)
        now = runtime().now()
        reward = Reward(**fields, created_at=now, updated_at=now)
        db.session.add(reward)
        db.session.flush()
        audit.record(actor, "reward.create", f"reward {reward.id}", None, reward_as_dict(reward))
        new_version(f"reward {reward.id} created", actor.name)
        return reward


def update_reward(actor: Actor, reward_id: int, fields: dict) -> Reward:
    with transaction():
        reward = get_reward(reward_id)
        before = reward_as_dict(reward)
        merged = {"kind": reward.kind, "value": reward.value, **fields}
        _check_reward(merged)
        for name, value in fields.items():
            setattr(reward, name, value)
        reward.updated_at = runtime().now()
        audit.record(actor, "reward.update", f"reward {reward.id}", *audit.changed_only(before, reward_as_dict(reward)))
        new_version(f"reward {reward.id} changed", actor.name)
        return reward


def delete_reward(actor: Actor, reward_id: int) -> None:
    with transaction():
        reward = get_reward(reward_id)
        audit.record(actor, "reward.delete", f"reward {reward.id}", reward_as_dict(reward), None)
        reward.deleted_at = runtime().now()  # rewards already held or redeemed keep their own copy
        reward.active = False
        new_version(f"reward {reward.id} deleted", actor.name)


def ensure_program(at: datetime) -> ProgramVersion:
    """The first version, with the defaults of the contract, if the database has none."""
    existing = db.session.scalars(select(ProgramVersion).limit(1)).first()
    if existing:
        return existing
    version = ProgramVersion(enabled=True, currency="EUR", points_per_unit=1, rounding="floor", validity_months=12,
                             products_earn=True, discounted_sales_earn=False, subscribers_earn=False,
                             referrer_bonus=0, welcome_bonus=0, allow_stacking=False, catalogue_only=False, reward_mode="redeem",
                             referral_thanks_email=False, rules_snapshot=[],
                             rewards_snapshot=[], change="program created", changed_by="setup", created_at=at)
    db.session.add(version)
    db.session.flush()
    return version
