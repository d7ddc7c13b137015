"""/manage/clients and /manage/clients/<id>: find a client; the loyalty box with the manager's actions.

Every action is a form checked by the API's schema (points, grants, the profile) or by the schema of its
own use case (a referral by hand, another referral code); a refusal shows by its field and saves nothing.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from pos_loyalty.core.errors import DomainError, Invalid
from pos_loyalty.panel.context import day
from pos_loyalty.panel.forms import FormErrors, load_form
from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.change_words import item_field_label, item_value_words
from pos_loyalty.panel.manage.page import acting_manager, manager_page, saving
from pos_loyalty.schemas.bodies import (AdjustmentInSchema, ClientPatchSchema, ClientQuerySchema, GrantInSchema,
                                        ReferralCodeInSchema, ReferralInSchema)
from pos_loyalty.services import clients as client_service
from pos_loyalty.services import grants as grant_service
from pos_loyalty.services import loyalty, privacy
from pos_loyalty.services.context import current_terms, salon_time
from pos_loyalty.services.program import list_rewards
from pos_loyalty.services.referrals import BONUSES_GIVEN_BY_HAND, add_referral

LIST_PAGE = 25
SEARCH_LIMIT = 50
HISTORY_PAGE = 25
PROFILE_FIELDS = ["first_name", "last_name", "phone", "email", "birth_date", "subscriber", "email_opt_in"]
# A form that is not the one posted is shown as stored, without the other form's values or errors.
UNPOSTED = {"method": "GET"}


# --- the list ----------------------------------------------------------------------------------------------
@bp.route("/clients")
@manager_page
def clients():
    q = request.args.get("q", "").strip()
    today = salon_time(acting_manager().salon_id).today
    following, errors = None, {}
    if q:
        try:
            query = load_form(ClientQuerySchema(), request.args, ["q"])
            found = client_service.search_clients(query["q"], SEARCH_LIMIT)
        except FormErrors as refused:
            found, errors = [], refused.errors
    else:
        found, following = client_service.newest_clients(request.args.get("before", type=int), LIST_PAGE)
    rows = client_service.client_rows(found, today)
    return render_template("manage/clients.html", rows=rows, q=q, following=following, errors=errors,
                           limited=bool(q) and len(found) == SEARCH_LIMIT), 422 if errors else 200


# --- the client's page -------------------------------------------------------------------------------------
def page_of(client_id: int, cursor: str | None = None) -> dict:
    actor = acting_manager()
    client = client_service.get_client(client_id)
    state = loyalty.loyalty_of(actor, client_id)
    try:
        entries, following = loyalty.ledger_page(actor, client_id, cursor, HISTORY_PAGE)
    except Invalid:  # a cursor typed by hand: the history from its start
        entries, following = loyalty.ledger_page(actor, client_id, None, HISTORY_PAGE)
        cursor = None
    referrer = client_service.get_client(client.referrer_id, erased_ok=True) if client.referrer_id else None
    terms = current_terms()
    return {"client": client, "summary": state.summary, "enabled": state.enabled, "entries": entries,
            "following": following, "cursor": cursor, "obtained": loyalty.rewards_obtained(client_id),
            "reward_options": [("", _("Choose a reward"))] + [
                (reward.id, f"{reward.name} · {_('%(points)s points', points=reward.points_cost)}")
                for reward in list_rewards(active_only=True)],
            "referrer": referrer,
            "first_sale_paid": client.first_paid_sale_id not in (None, BONUSES_GIVEN_BY_HAND),
            "bonuses_given_by_hand": client.first_paid_sale_id == BONUSES_GIVEN_BY_HAND,
            "referrer_bonus": terms.referrer_bonus, "welcome_bonus": terms.welcome_bonus}


def showing(form_name: str) -> dict:
    """The page's context on a refused form (for `saving`): the page as stored, that form as typed."""
    return {"page": lambda client_id: page_of(client_id), "posted_form": form_name, "unposted": UNPOSTED,
            "menu_endpoint": "manage.clients"}


@bp.route("/clients/<int:client_id>")
@manager_page
def client(client_id):
    erased = privacy.erased_client(client_id, acting_manager().salon_id)
    if erased is not None:  # the person is gone: what stays, and who erased them
        return render_template("manage/client_erased.html", erased=erased, menu_endpoint="manage.clients")
    return render_template("manage/client.html", page=page_of(client_id, request.args.get("cursor")), errors={},
                           posted_form=None, unposted=UNPOSTED, menu_endpoint="manage.clients")


def refusal(error: DomainError) -> Exception:
    """A service's refusal by the field of the form it belongs to, in the panel's language."""
    details = error.details if isinstance(error.details, dict) else {}
    by_code = {
        "zero_adjustment": ("points", lambda: _("Not 0: type 20 to add points, -20 to remove them.")),
        "insufficient_points": ("points", lambda: _("Only %(points)s points can be removed (the points held by "
                                                    "rewards on open sales stay).",
                                                    points=max(int(details.get("available", 0)), 0))),
        "reason_required": ("reason", lambda: _("Say why.")),
        "reward_not_found": ("reward_id", lambda: _("Choose a reward of the list.")),
        "unknown_referral_code": ("referred_by", lambda: _("No client has this referral code.")),
        "referrer_already_set": ("referred_by", lambda: _("This client already has a referrer.")),
        "referral_loop": ("referred_by", lambda: _("A client cannot be their own referrer, directly or through "
                                                   "the clients they referred.")),
        "referral_too_late": ("bonuses_now", lambda: _("This client's first sale is paid already: the bonuses "
                                                       "can only be given now.")),
        "program_disabled": ("bonuses_now", lambda: _("The programme is off: no bonus can be given now.")),
        "referral_code_taken": ("referral_code", lambda: _("Another client has this referral code.")),
        "bad_referral_code": ("referral_code", lambda: _("Letters and digits, 60 at most.")),
    }
    if error.code not in by_code:
        return error
    field, message = by_code[error.code]
    return FormErrors({field: [message()]})


def back_to(client_id: int):
    # The forms post to their own anchor (a refusal shows where it was typed); after a save, the top of the
    # page, where the message says what changed: an empty fragment, else the browser keeps the form's.
    return redirect(url_for("manage.client", client_id=client_id) + "#")


@bp.route("/clients/<int:client_id>/adjustments", methods=["POST"])
@manager_page
@saving("manage/client.html", **showing("adjust"))
def client_adjust(client_id):
    data = load_form(AdjustmentInSchema(), request.form, ["points", "reason"])
    try:
        entry = loyalty.adjust_points(acting_manager(), client_id, data["points"], data["reason"].strip())
    except DomainError as error:
        raise refusal(error) from None
    balance = loyalty.loyalty_of(acting_manager(), client_id).summary.balance
    if entry.points > 0:
        flash(_("%(points)s points added (%(reason)s). Balance: %(balance)s points.", points=entry.points,
                reason=entry.description, balance=balance), "ok")
    else:
        flash(_("%(points)s points removed (%(reason)s). Balance: %(balance)s points.", points=-entry.points,
                reason=entry.description, balance=balance), "ok")
    return back_to(client_id)


@bp.route("/clients/<int:client_id>/rewards", methods=["POST"])
@manager_page
@saving("manage/client.html", **showing("grant"))
def client_grant(client_id):
    data = load_form(GrantInSchema(), request.form, ["reward_id", "reason"])
    try:
        grant = grant_service.grant_reward(acting_manager(), client_id, data["reward_id"], data["reason"])
    except DomainError as error:
        raise refusal(error) from None
    flash(_("Reward granted: %(name)s (%(reason)s). It is used at the till at no points.", name=grant.name,
            reason=grant.reason), "ok")
    return back_to(client_id)


@bp.route("/clients/<int:client_id>/referral", methods=["POST"])
@manager_page
@saving("manage/client.html", **showing("referral"))
def client_referral(client_id):
    data = load_form(ReferralInSchema(), request.form, ["referred_by", "bonuses_now"])
    try:
        referred = add_referral(acting_manager(), client_id, data["referred_by"], data["bonuses_now"])
    except DomainError as error:
        raise refusal(error) from None
    referrer = client_service.get_client(referred.referrer_id)
    if data["bonuses_now"]:
        terms = current_terms()
        flash(_("Referral recorded: %(referrer)s referred %(client)s. Bonuses given now: %(referrer_bonus)s points "
                "to %(referrer)s, %(welcome_bonus)s points to %(client)s.", referrer=referrer.name,
                client=referred.name, referrer_bonus=terms.referrer_bonus, welcome_bonus=terms.welcome_bonus), "ok")
    else:
        flash(_("Referral recorded: %(referrer)s referred %(client)s. The bonuses come with %(client)s's first "
                "paid sale.", referrer=referrer.name, client=referred.name), "ok")
    return back_to(client_id)


@bp.route("/clients/<int:client_id>/referral-code", methods=["POST"])
@manager_page
@saving("manage/client.html", **showing("code"))
def client_referral_code(client_id):
    data = load_form(ReferralCodeInSchema(), request.form, ["referral_code"])
    before = client_service.get_client(client_id).referral_code
    try:
        after = client_service.change_referral_code(acting_manager(), client_id, data["referral_code"]).referral_code
    except DomainError as error:
        raise refusal(error) from None
    if after == before:
        flash(_("Nothing changed."), "info")
    else:
        flash(_("Referral code: %(before)s → %(after)s. The old code no longer refers anyone.", before=before,
                after=after), "ok")
    return back_to(client_id)


def profile_words(name: str, value) -> str:
    return day(value) if name == "birth_date" and value is not None else item_value_words(name, value)


@bp.route("/clients/<int:client_id>/profile", methods=["POST"])
@manager_page
@saving("manage/client.html", **showing("profile"))
def client_profile(client_id):
    data = load_form(ClientPatchSchema(), request.form, PROFILE_FIELDS)
    before = client_service.profile_of(client_service.get_client(client_id))
    try:
        after = client_service.profile_of(client_service.update_client(acting_manager(), client_id, data))
    except DomainError as error:
        raise refusal(error) from None
    changes = [f"{item_field_label(name)}: {profile_words(name, before[name])} → {profile_words(name, after[name])}"
               for name in PROFILE_FIELDS if before[name] != after[name]]
    if changes:
        flash(_("Saved: %(changes)s", changes="; ".join(changes)), "ok")
    else:
        flash(_("Nothing changed."), "info")
    return back_to(client_id)
