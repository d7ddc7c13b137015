"""Milestone mode's question about the clients already past a threshold (PRODUCT §2): "give them the reward
now" or "only clients who reach it from now on". Asked on /manage/rewards when a reward is added or its
threshold lowered, and on /manage/program when the reward mode switches from redeem to milestone while
rewards exist (one count per reward). The counts are the engine's (`clients_past`, for a cost typed and not
saved yet); "now" is the engine's `issue_to_clients_past`, after the save. The choice posts with the page's
own form (`past_clients`: now | later); in redeem mode nothing is asked, and nothing is issued without "now".
"""
from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _, ngettext

from pos_loyalty.core.errors import DomainError
from pos_loyalty.panel.forms import FormErrors
from pos_loyalty.panel.milestone_words import code_refusal
from pos_loyalty.services import milestones
from pos_loyalty.services.program import list_rewards

CHOICES = ("now", "later")


def posted_choice() -> str | None:
    """The manager's answer, if the form carries one; anything but now/later is refused (nothing saved)."""
    if "past_clients" not in request.form:
        return None
    choice = request.form.get("past_clients", "")
    if choice not in CHOICES:
        raise FormErrors({"_schema": [_("Choose whether the clients already past this threshold receive the "
                                        "reward now, or only those who reach it from now on.")]})
    return choice


def clients_to_ask_about(reward_id: int | None, points_cost: int, active: bool) -> int:
    """How many clients the question is about (0: nothing to ask)."""
    if not active or not milestones.in_milestone_mode():
        return 0
    return milestones.clients_past(reward_id=reward_id, points_cost=points_cost)


def rewards_to_ask_about(before: dict, changes: dict) -> list[dict]:
    """/manage/program: a save that switches the reward mode from redeem to milestone, the programme on,
    asks about every active reward some clients are already past (their count each); any other save asks
    nothing. The mode is not saved yet, so the count is the engine's for each reward's saved cost."""
    switching = before["reward_mode"] != "milestone" and changes.get("reward_mode") == "milestone"
    if not switching or not changes.get("enabled", before["enabled"]):
        return []
    counted = [(reward, milestones.clients_past(reward_id=reward.id)) for reward in list_rewards(active_only=True)]
    return [{"id": reward.id, "name": reward.name, "points_cost": reward.points_cost, "count": count}
            for reward, count in sorted(counted, key=lambda pair: (pair[0].points_cost, pair[0].id)) if count]


def ask_first(template: str, count: int, points_cost: int | None = None, past_rewards: list[dict] | None = None,
              **context):
    """The page again with the question above the form; what was typed rides along in hidden fields.
    `past_rewards` (the switch to milestone mode) lists a count per reward instead of one threshold's."""
    fields = [(name, value) for name, value in request.form.items(multi=True)
              if name not in ("csrf_token", "past_clients")]
    question = {"count": count, "points_cost": points_cost, "rewards": past_rewards or [], "fields": fields,
                "action": request.path}
    return render_template(template, errors={}, past_prompt=question, **context)


def give_now(actor, *reward_ids: int) -> None:
    """'Give them the reward now': the codes issued by the engine, reward by reward, and how many said."""
    issued, refused = 0, False
    for reward_id in reward_ids:
        try:
            issued += milestones.issue_to_clients_past(actor, reward_id)
        except DomainError as error:
            flash(code_refusal(error), "error")
            refused = True
    if refused and not issued:
        return
    if len(reward_ids) == 1:
        flash(ngettext("%(num)s client already past it received the reward's code.",
                       "%(num)s clients already past it received the reward's code.", issued), "ok")
    else:
        flash(ngettext("%(num)s code was issued to the clients already past a reward.",
                       "%(num)s codes were issued to the clients already past a reward.", issued), "ok")
