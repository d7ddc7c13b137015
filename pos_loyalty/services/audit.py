"""The audit trail: every manager action is recorded in the same transaction as the action itself.

Recorded by the services (not the entry points), so that the pages, the API and the command line leave the
same trace. `before` and `after` are the object's JSON-ready fields; for a creation `before` is None, for a
deletion `after` is None.
"""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, or_, select

from pos_loyalty.extensions import db
from pos_loyalty.models import AuditEntry
from pos_loyalty.runtime import runtime
from pos_loyalty.services.actor import Actor

PAGE = 50
# What belongs to the whole chain: every salon's managers see who changed it, whichever salon they were in.
CHAIN_WIDE = ("program", "rule", "reward", "client", "points", "grant", "referral")


def json_ready(value):
    """Decimals as strings, dates as ISO text: what the API shows, and what JSON columns keep."""
    if isinstance(value, dict):
        return {str(key): json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    return value


def record(actor: Actor, action: str, obj: str, before: dict | None = None, after: dict | None = None) -> None:
    """Append one entry; call it inside the use case's transaction."""
    db.session.add(AuditEntry(at=runtime().now(), salon_id=actor.salon_id, staff=actor.name[:80],
                              channel=actor.source, action=action[:40], object=obj[:120],
                              before=json_ready(before), after=json_ready(after)))


def by_command_line(salon_id: int) -> Actor:
    """Who a command such as `pos-loyalty staff add` acts as: the audit trail says "command line"."""
    return Actor("command line", "manager", salon_id, channel="cli")


def by_staff(staff) -> Actor:
    """A staff member acting on a panel page that works with the Staff row itself (till devices)."""
    return Actor(staff.name, "manager" if staff.role == "manager" else "till", staff.salon_id, channel="panel")


def changed_only(before: dict, after: dict) -> tuple[dict, dict]:
    """The fields that changed, on both sides: what an auditor wants to read."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after.get(key) for key in keys}


def _salon_scope(salon_id: int | None) -> list:
    """A salon's own entries and the chain-wide ones of every salon (None: the whole trail)."""
    if salon_id is None:
        return []
    chain_wide = [AuditEntry.action.startswith(prefix + ".") for prefix in CHAIN_WIDE]
    return [or_(AuditEntry.salon_id == salon_id, *chain_wide)]


def _text_matches(text: str):
    """The words anywhere in the entry: who, the object, the action, the values before and after ("Mardi"
    finds the rule of that name). JSON columns keep non-ASCII letters escaped, so both spellings are tried;
    % and _ typed are letters, not wildcards."""
    def pattern(words: str) -> str:
        return "%" + words.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"

    spellings = {pattern(text), pattern(json.dumps(text)[1:-1])}
    columns = [AuditEntry.object, AuditEntry.staff, AuditEntry.action,
               cast(AuditEntry.before, String), cast(AuditEntry.after, String)]
    return or_(*[column.ilike(spelling, escape="/") for column in columns for spelling in spellings])


def audit_entries(*, salon_id: int | None = None, staff: str | None = None, action: str | None = None,
                  q: str | None = None, on: date | None = None, zone: str = "UTC", before_id: int | None = None,
                  limit: int = PAGE) -> tuple[list[AuditEntry], int | None]:
    """Newest first, filtered; returns a page and the id to continue below (None at the end).

    Chain-wide actions (the program, rules, rewards, clients) have the acting salon; a salon's manager reads
    its own salon's entries and the chain-wide ones of every salon."""
    query = select(AuditEntry).where(*_salon_scope(salon_id))
    if staff:
        query = query.where(AuditEntry.staff == staff)
    if action:
        query = query.where(or_(AuditEntry.action == action, AuditEntry.action.startswith(action + ".")))
    if q and q.strip():
        query = query.where(_text_matches(q.strip()))
    if on is not None:
        start = datetime.combine(on, time.min, ZoneInfo(zone))
        query = query.where(AuditEntry.at >= start, AuditEntry.at < start + timedelta(days=1))
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    rows = list(db.session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit + 1)))
    following = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], following


def audit_choices(salon_id: int | None = None) -> tuple[list[str], list[str]]:
    """Who appears in the trail and which actions, for the audit page's filters (same scope as the trail)."""
    scope = _salon_scope(salon_id)
    staff = list(db.session.scalars(select(AuditEntry.staff).where(*scope).distinct().order_by(AuditEntry.staff)))
    actions = list(db.session.scalars(select(AuditEntry.action).where(*scope).distinct().order_by(AuditEntry.action)))
    return staff, actions
