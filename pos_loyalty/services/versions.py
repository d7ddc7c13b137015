"""The program's history: every version with who made it, when, and what changed against the one before."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from pos_loyalty.extensions import db
from pos_loyalty.models import ProgramVersion
from pos_loyalty.services.audit import json_ready
from pos_loyalty.services.program import PROGRAM_FIELDS


def version_settings(version: ProgramVersion) -> dict:
    settings = json_ready({name: getattr(version, name) for name in PROGRAM_FIELDS})
    # "1", "1.5": as the manager typed it, not the column's four decimals ("1.0000").
    settings["points_per_unit"] = format(Decimal(version.points_per_unit).normalize(), "f")
    return settings


def _by_id(snapshot: list) -> dict[str, dict]:
    return {str(item["id"]): {k: v for k, v in item.items() if k != "id"} for item in snapshot or []}


def version_changes(before: ProgramVersion | None, after: ProgramVersion) -> dict[str, list]:
    """{"field": [before, after]}; rules and rewards as "rule 3" and "reward 2" (None where absent)."""
    changes: dict[str, list] = {}
    old = version_settings(before) if before else {}
    for name, value in version_settings(after).items():
        if before is None or old.get(name) != value:
            changes[name] = [old.get(name), value]
    for label, attribute in (("rule", "rules_snapshot"), ("reward", "rewards_snapshot")):
        previous = _by_id(getattr(before, attribute) if before else [])
        current = _by_id(getattr(after, attribute))
        for key in sorted(set(previous) | set(current), key=int):
            if previous.get(key) != current.get(key):
                changes[f"{label} {key}"] = [previous.get(key), current.get(key)]
    return changes


def list_versions(limit: int | None = None) -> list[dict]:
    """Newest first."""
    versions = list(db.session.scalars(select(ProgramVersion).order_by(ProgramVersion.version)))
    rows = []
    previous = None
    for version in versions:
        rows.append({"version": version.version, "changed_at": version.created_at,
                     "changed_by": version.changed_by, "change": version.change,
                     "changes": version_changes(previous, version)})
        previous = version
    rows.reverse()
    return rows[:limit] if limit else rows
