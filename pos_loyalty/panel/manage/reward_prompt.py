"""Milestone mode on /manage/rewards: adding a reward or lowering its threshold first asks the manager about
the clients already past it (PRODUCT §2): "give them the reward now" or "only clients who reach it from now
on". The count is the engine's (`clients_past`, for the cost typed, not saved yet); "now" is the engine's
`issue_to_clients_past`. The choice posts with the reward's own form (`past_clients`: now | later); in
redeem mode nothing is asked.
"""
from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _, ngettext

from pos_loyalty.core.errors import DomainError
from pos_loyalty.panel.forms import FormErrors
from pos_loyalty.panel.milestone_words import code_refusal
from pos_loyalty.services import milestones

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


def ask_first(template: str, count: int, points_cost: int, **context):
    """The page again with the question above the form; what was typed rides along in hidden fields."""
    fields = [(name, value) for name, value in request.form.items(multi=True)
              if name not in ("csrf_token", "past_clients")]
    question = {"count": count, "points_cost": points_cost, "fields": fields, "action": request.path}
    return render_template(template, errors={}, past_prompt=question, **context)


def give_now(actor, reward_id: int) -> None:
    """'Give them the reward now': the codes issued by the engine, and how many said."""
    try:
        issued = milestones.issue_to_clients_past(actor, reward_id)
    except DomainError as error:
        flash(code_refusal(error), "error")
        return
    flash(ngettext("%(num)s client already past it received the reward's code.",
                   "%(num)s clients already past it received the reward's code.", issued), "ok")
