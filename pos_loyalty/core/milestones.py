"""Milestone mode's plain rules: a code's letters, and which rewards a client receives when lifetime points
go from `before` to `after`.

Crossing, not "at or above": a client already past a threshold when a manager lowers it or adds a reward
receives nothing unless the manager says so (services/milestones.py, issue_to_clients_past).
"""
from __future__ import annotations

import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass

CODE_LETTERS = string.ascii_uppercase
CODE_LENGTH = 6


@dataclass(frozen=True)
class Threshold:
    reward_id: int
    points_cost: int


def new_code() -> str:
    """Six capital letters, cryptographically random (26^6, about 309 million codes)."""
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))


def normalise_code(typed: str | None) -> str | None:
    """What a cashier typed ("kxq brt", " KXQBRT "): the code in capitals, or None if it cannot be one."""
    code = "".join((typed or "").split()).upper()
    if len(code) == CODE_LENGTH and all(letter in CODE_LETTERS for letter in code):
        return code
    return None


def crossed(thresholds: Iterable[Threshold], before: int, after: int, already_issued: Iterable[int] = (),
            enabled: bool = True) -> list[int]:
    """The rewards (ids, lowest threshold first) whose cost the lifetime points crossed from `before` to
    `after` (before < cost <= after), leaving out those the client has received already."""
    if not enabled or after <= before:
        return []
    issued = set(already_issued)
    hits = sorted((t for t in thresholds if before < t.points_cost <= after and t.reward_id not in issued),
                  key=lambda t: (t.points_cost, t.reward_id))
    return [t.reward_id for t in hits]


@dataclass(frozen=True)
class MilestoneOffers:
    """What the loyalty summary says in milestone mode: rewards usable now (a code is waiting) and the next
    threshold by lifetime points."""

    eligible: tuple
    next_reward: object | None
    points_missing: int


def milestone_offers(rewards, lifetime: int, usable_reward_ids: Iterable[int]) -> MilestoneOffers:
    """`rewards`: offers with id and points_cost (the active rewards)."""
    ordered = sorted(rewards, key=lambda r: (r.points_cost, r.id))
    usable = set(usable_reward_ids)
    ahead = [r for r in ordered if r.points_cost > lifetime]
    following = ahead[0] if ahead else None
    return MilestoneOffers(eligible=tuple(r for r in ordered if r.id in usable), next_reward=following,
                           points_missing=(following.points_cost - lifetime) if following else 0)
