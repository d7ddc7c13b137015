"""/manage/rewards: the rewards clients spend their points on, checked by the API's RewardSchema.

A reward is a discount (an amount or a percentage, typed) or a free service or product (chosen from the
salon's catalogue). Without JavaScript one form cannot swap a typed value for a list of items, so each
has its own form, and each posts one `value`: the discount form a text box, the free-item form a select
of the catalogue's items. Every save is a new programme version; sales that already used a reward keep
their own copy of its terms (the points it cost then), so raising a cost changes no history.
"""
from __future__ import annotations

import re

from babel.numbers import get_currency_symbol
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from pos_loyalty.core.rewards import normalise_reward_value
from pos_loyalty.panel.context import money, salon_currency, salon_locale
from pos_loyalty.panel.forms import load_form
from pos_loyalty.panel.manage import bp, reward_prompt
from pos_loyalty.panel.manage.change_words import describe
from pos_loyalty.panel.manage.page import acting_manager, manager_page, saving
from pos_loyalty.panel.manage.sentences import reward_sentence, reward_terms
from pos_loyalty.schemas.bodies import RewardSchema
from pos_loyalty.services import catalogue as catalogue_service
from pos_loyalty.services import program as program_service
from pos_loyalty.services.context import current_program

PAGE_FIELDS = ["name", "kind", "value", "points_cost", "description", "active", "sale_earns"]
# A service's refusal by the field it concerns.
FIELD_BY_CODE = {"unknown_item": "value", "invalid_reward_value": "value"}
_DECIMAL_COMMA = re.compile(r"^\s*\d*,\d*\s*$")


def posted_form() -> str:
    """Which of the two forms was posted: "free" (a free item) or "discount"."""
    return "free" if request.form.get("kind") == "free_item" else "discount"


def free_items(reward=None) -> list:
    """The items a free-item reward can name: the salon's active ones, and the reward's own if retired."""
    salon_id = acting_manager().salon_id
    items = catalogue_service.list_items(salon_id)
    if reward is not None and reward.kind == "free_item" and all(item.code != reward.value for item in items):
        own = catalogue_service.find_item(salon_id, reward.value)
        if own is not None:
            items.append(own)
    return items


def item_choices(items: list) -> list[tuple[str, str]]:
    """The free-item select's options: the code posted, the name and price shown."""
    return [(item.code, f"{item.name} · {money(item.price)}" + ("" if item.active else f" ({_('retired')})"))
            for item in items]


def currency_symbol() -> str:
    return get_currency_symbol(salon_currency(), locale=salon_locale())


def list_context() -> dict:
    rewards = program_service.list_rewards()
    return {"currency_symbol": currency_symbol(),
            "rewards": [(reward, reward_terms(program_service.reward_as_dict(reward))) for reward in rewards],
            "choices": item_choices(free_items()), "show": "both" if request.method == "GET" else posted_form()}


def edit_context(reward_id: int) -> dict:
    reward = program_service.get_reward(reward_id)
    kind_form = request.args.get("form") if request.args.get("form") in ("free", "discount") else \
        "free" if reward.kind == "free_item" else "discount"
    return {"currency_symbol": currency_symbol(), "reward": reward,
            "sentence": reward_sentence(program_service.reward_as_dict(reward)),
            "choices": item_choices(free_items(reward)), "show": kind_form if request.method == "GET" else posted_form()}


def once(build, *args) -> dict:
    """A page's context built once per request (the refused form's page asks it for each name)."""
    if "reward_page" not in g:
        g.reward_page = build(*args)
    return g.reward_page


LIST_CONTEXT = ("currency_symbol", "rewards", "choices", "show")
EDIT_CONTEXT = ("currency_symbol", "reward", "sentence", "choices", "show")


def reward_fields() -> dict:
    """The posted form loaded by the API's schema; the value stored as the API stores it ("10.00", "10",
    "BRUSH"). A decimal comma is the panel's way to type an amount or a percentage."""
    form = MultiDict(request.form)
    value = form.get("value", "")
    if form.get("kind") in ("amount_off", "percent_off") and _DECIMAL_COMMA.match(value):
        form.setlist("value", [value.strip().replace(",", ".")])
    data = load_form(RewardSchema(), form, PAGE_FIELDS)
    data["value"] = normalise_reward_value(data["kind"], data["value"])
    return data


def saved(words: str) -> None:
    flash(_("Saved as version %(version)s: %(changes)s", version=current_program().version, changes=words), "ok")


@bp.route("/rewards", methods=["GET"])
@manager_page
def rewards():
    return render_template("manage/rewards.html", errors={}, **list_context())


@bp.route("/rewards", methods=["POST"])
@manager_page
@saving("manage/rewards.html", field_by_code=FIELD_BY_CODE,
        **{name: (lambda name=name: once(list_context)[name]) for name in LIST_CONTEXT})
def rewards_create():
    fields, choice = reward_fields(), reward_prompt.posted_choice()
    past = reward_prompt.clients_to_ask_about(None, fields["points_cost"], fields["active"])
    if past and choice is None:
        return reward_prompt.ask_first("manage/rewards.html", past, fields["points_cost"], **list_context())
    reward = program_service.create_reward(acting_manager(), fields)
    saved(describe(f"reward {reward.id}", None, program_service.reward_as_dict(reward)))
    if past and choice == "now":
        reward_prompt.give_now(acting_manager(), reward.id)
    return redirect(url_for("manage.rewards"))


@bp.route("/rewards/<int:reward_id>", methods=["GET"])
@manager_page
def rewards_edit(reward_id: int):
    return render_template("manage/rewards_edit.html", errors={}, **edit_context(reward_id))


@bp.route("/rewards/<int:reward_id>", methods=["POST"])
@manager_page
@saving("manage/rewards_edit.html", field_by_code=FIELD_BY_CODE,
        **{name: (lambda reward_id, name=name: once(edit_context, reward_id)[name]) for name in EDIT_CONTEXT})
def rewards_update(reward_id: int):
    reward = program_service.get_reward(reward_id)
    before = program_service.reward_as_dict(reward)
    changes = {name: value for name, value in reward_fields().items() if before.get(name) != value}
    choice = reward_prompt.posted_choice()
    if not changes:
        flash(_("Nothing changed."), "info")
        return redirect(url_for("manage.rewards"))
    lowered = changes.get("points_cost", before["points_cost"]) < before["points_cost"]
    active = changes.get("active", before["active"])
    past = reward_prompt.clients_to_ask_about(reward_id, changes["points_cost"], active) if lowered else 0
    if past and choice is None:
        return reward_prompt.ask_first("manage/rewards_edit.html", past, changes["points_cost"],
                                       **edit_context(reward_id))
    after = program_service.reward_as_dict(program_service.update_reward(acting_manager(), reward_id, changes))
    saved(describe(f"reward {reward_id}", before, after))
    if past and choice == "now":
        reward_prompt.give_now(acting_manager(), reward_id)
    return redirect(url_for("manage.rewards"))


@bp.route("/rewards/<int:reward_id>/active", methods=["POST"])
@manager_page
def rewards_active(reward_id: int):
    """Retire a reward (clients no longer see it) or offer it again: the switch the list shows."""
    active = request.form.get("active") == "true"
    reward = program_service.get_reward(reward_id)
    if reward.active == active:
        flash(_("Nothing changed."), "info")
        return redirect(url_for("manage.rewards"))
    before = program_service.reward_as_dict(reward)
    after = program_service.reward_as_dict(program_service.update_reward(acting_manager(), reward_id,
                                                                         {"active": active}))
    saved(describe(f"reward {reward_id}", before, after))
    return redirect(url_for("manage.rewards"))


@bp.route("/rewards/<int:reward_id>/delete", methods=["POST"])
@manager_page
def rewards_delete(reward_id: int):
    before = program_service.reward_as_dict(program_service.get_reward(reward_id))
    program_service.delete_reward(acting_manager(), reward_id)
    saved(describe(f"reward {reward_id}", before, None))
    return redirect(url_for("manage.rewards"))
