"""Clients: create, search, read; their loyalty summary, ledger and manual adjustments."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask_smorest import Blueprint

from pos_loyalty.core.errors import Conflict
from pos_loyalty.runtime import runtime
from pos_loyalty.services import clients as client_service
from pos_loyalty.services import loyalty as loyalty_service
from pos_loyalty.services import milestones
from pos_loyalty.services.cards import card_url
from pos_loyalty.services.context import salon_time
from pos_loyalty.services.transaction import transaction

from .auth import current_actor, requires
from .idempotency import idempotent
from pos_loyalty.services import grants as grant_service

from pos_loyalty.schemas.bodies import (AdjustmentInSchema, AdjustmentOutSchema, ClientListSchema, ClientPatchSchema,
                      ClientQuerySchema, ClientSchema, GrantInSchema, LedgerPageSchema, LedgerQuerySchema,
                      LoyaltySchema, ObtainedRewardSchema)

bp = Blueprint("clients", __name__, url_prefix="/api/v1/clients", description="Clients and their points")


def client_out(client) -> dict:
    return {"id": client.id, "first_name": client.first_name, "last_name": client.last_name,
            "phone": client.phone, "email": client.email, "subscriber": client.subscriber,
            "email_opt_in": client.email_opt_in, "birth_date": client.birth_date, "referral_code": client.referral_code,
            "referred_by": client_service.get_client(client.referrer_id, erased_ok=True).referral_code
            if client.referrer_id else None,
            "referral_link": runtime().referral_link.format(code=client.referral_code),
            "card_url": card_url(client),
            "created_at": client.created_at}


def ledger_item(entry, zone: str) -> dict:
    """An entry as the API answers it: `description` is its words in the language of the salon that wrote it
    (the entry also keeps its msgid and values, which the panel writes in the reader's language)."""
    return {"id": entry.id, "at": entry.at.astimezone(ZoneInfo(zone)).isoformat(timespec="seconds"),
            "kind": entry.kind, "points": entry.points, "description": entry.description,
            "sale_id": entry.sale_id, "reward_id": entry.reward_id, "rule_version": entry.rule_version,
            "expires_on": entry.expires_on, "staff": entry.staff}


@bp.route("", methods=["POST"])
@idempotent
@requires("till")
@bp.arguments(ClientSchema)
@bp.response(201, ClientSchema)
def create_client(data):
    return client_out(client_service.create_client(current_actor(), data))


@bp.route("", methods=["GET"])
@requires("till")
@bp.arguments(ClientQuerySchema, location="query")
@bp.response(200, ClientListSchema)
def search_clients(query):
    """Search by name, phone, e-mail or referral code (accents and case ignored)."""
    return {"items": [client_out(c) for c in client_service.search_clients(query["q"], query["limit"])]}


@bp.route("/<int:client_id>", methods=["GET"])
@requires("till")
@bp.response(200, ClientSchema)
def read_client(client_id):
    return client_out(client_service.get_client(client_id))


@bp.route("/<int:client_id>", methods=["PATCH"])
@idempotent
@requires("till")
@bp.arguments(ClientPatchSchema(partial=True))
@bp.response(200, ClientSchema)
def patch_client(data, client_id):
    """Correct a profile; `referred_by` records a forgotten referral before the first paid sale."""
    return client_out(client_service.update_client(current_actor(), client_id, data))


@bp.route("/<int:client_id>/loyalty", methods=["GET"])
@requires("till")
@bp.response(200, LoyaltySchema)
def read_loyalty(client_id):
    # One transaction for the whole answer: it begins and ends once, and the client is read once.
    with transaction():
        actor = current_actor()
        loyalty = loyalty_service.loyalty_of(actor, client_id)
        if not loyalty.enabled and not actor.is_manager:
            raise Conflict("The loyalty program is disabled: balances are hidden at the till.", code="program_disabled")
        summary = loyalty.summary
        next_reward = None
        if summary.next_reward:
            next_reward = {"id": summary.next_reward.id, "name": summary.next_reward.name,
                           "points_cost": summary.next_reward.points_cost, "points_missing": summary.points_missing}
        return {"client_id": client_id, "enabled": loyalty.enabled, "balance": summary.balance, "held": summary.held,
                "available": summary.available, "next_expiry": summary.next_expiry, "expiring": summary.expiring,
                "eligible_rewards": summary.eligible_rewards, "next_reward": next_reward,
                "referral_code": client_service.get_client(client_id).referral_code,
                "granted_rewards": [grant_out(g) for g in grant_service.client_grants(client_id, "available")],
                **_milestone_fields(loyalty, client_id)}


def _milestone_fields(loyalty, client_id: int) -> dict:
    """Milestone mode adds its fields; redeem mode's answer stays as it was."""
    if loyalty.reward_mode != "milestone":
        return {}
    return {"reward_mode": loyalty.reward_mode, "lifetime": loyalty.lifetime,
            "codes": milestones.client_codes(client_id)}


def grant_out(grant) -> dict:
    return {"grant_id": grant.id, "reward_id": grant.reward_id, "name": grant.name, "points_cost": 0,
            "status": grant.status, "sale_id": None, "at": grant.granted_at, "reason": grant.reason,
            "granted_by": grant.granted_by}


@bp.route("/<int:client_id>/rewards", methods=["GET"])
@requires("till")
@bp.response(200, ObtainedRewardSchema(many=True))
def rewards_obtained(client_id):
    """Rewards the client obtained: granted by a manager, or redeemed with points."""
    from pos_loyalty.services.loyalty import rewards_obtained as obtained

    client_service.get_client(client_id)
    return obtained(client_id)


@bp.route("/<int:client_id>/rewards", methods=["POST"])
@idempotent
@requires("manager")
@bp.arguments(GrantInSchema)
@bp.response(201, ObtainedRewardSchema)
def grant(data, client_id):
    """Give the client a reward before its threshold (goodwill, contest); redeemed later at no points."""
    return grant_out(grant_service.grant_reward(current_actor(), client_id, data["reward_id"], data["reason"]))


@bp.route("/<int:client_id>/ledger", methods=["GET"])
@requires("till")
@bp.arguments(LedgerQuerySchema, location="query")
@bp.response(200, LedgerPageSchema)
def read_ledger(query, client_id):
    """The client's history, newest first; follow `next` for older entries."""
    actor = current_actor()
    entries, following = loyalty_service.ledger_page(actor, client_id, query.get("cursor"), query["limit"])
    zone = salon_time(actor.salon_id).zone
    return {"items": [ledger_item(e, zone) for e in entries], "next": following}


@bp.route("/<int:client_id>/adjustments", methods=["POST"])
@idempotent
@requires("manager")
@bp.arguments(AdjustmentInSchema)
@bp.response(201, AdjustmentOutSchema)
def adjust(data, client_id):
    actor = current_actor()
    entry = loyalty_service.adjust_points(actor, client_id, data["points"], data["reason"])
    balance = loyalty_service.loyalty_of(actor, client_id).summary.balance
    return {"entry": ledger_item(entry, salon_time(actor.salon_id).zone), "balance": balance}
