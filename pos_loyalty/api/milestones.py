"""Milestone mode's calls on the rewards and clients blueprints (managers): how many clients are already
past a threshold, issuing the reward to them when the manager says so, a client's codes and voiding one.
Redeeming a code is `POST /sales/{id}/redemptions {"code"}` (api/sales.py)."""
from __future__ import annotations

from pos_loyalty.schemas.bodies import MilestoneCodeSchema
from pos_loyalty.schemas.milestones import (ClientsPastQuerySchema, ClientsPastSchema, IssuedToPastSchema,
                                          NewThresholdQuerySchema)
from pos_loyalty.services import clients as client_service
from pos_loyalty.services import milestones
from pos_loyalty.services.program import get_reward

from .auth import current_actor, requires
from .clients import bp as clients_bp
from .idempotency import idempotent
from .rewards import bp as rewards_bp


@rewards_bp.route("/rewards/clients-past", methods=["GET"])
@requires("manager")
@rewards_bp.arguments(NewThresholdQuerySchema, location="query")
@rewards_bp.response(200, ClientsPastSchema)
def clients_past_any(query):
    """Before adding a reward: how many clients' lifetime points already reach `points_cost` (required)."""
    cost = query["points_cost"]
    return {"clients_past": milestones.clients_past(None, cost), "reward_id": None, "points_cost": cost}


@rewards_bp.route("/rewards/<int:reward_id>/clients-past", methods=["GET"])
@requires("manager")
@rewards_bp.arguments(ClientsPastQuerySchema, location="query")
@rewards_bp.response(200, ClientsPastSchema)
def clients_past(query, reward_id):
    """How many clients (not erased) have lifetime points at or above the reward's threshold (or the
    `points_cost` previewed) and no code for it yet: what the manager is asked about after adding a reward
    or lowering its threshold in milestone mode."""
    cost = query.get("points_cost", get_reward(reward_id).points_cost)
    return {"clients_past": milestones.clients_past(reward_id, cost), "reward_id": reward_id, "points_cost": cost}


@rewards_bp.route("/rewards/<int:reward_id>/issue-to-clients-past", methods=["POST"])
@idempotent
@requires("manager")
@rewards_bp.response(200, IssuedToPastSchema)
def issue_to_clients_past(reward_id):
    """The manager says yes: every client already past the threshold receives the reward's code now (and its
    e-mail). 409 `not_milestone_mode` in redeem mode, `reward_inactive`, `program_disabled`."""
    return {"issued": milestones.issue_to_clients_past(current_actor(), reward_id), "reward_id": reward_id}


@clients_bp.route("/<int:client_id>/codes", methods=["GET"])
@requires("till")
@clients_bp.response(200, MilestoneCodeSchema(many=True))
def client_codes(client_id):
    """The client's milestone codes, newest first: issued (usable, or held on an open sale), used, void."""
    client_service.get_client(client_id)
    return milestones.client_codes(client_id)


@clients_bp.route("/<int:client_id>/codes/<string:code>/void", methods=["POST"])
@idempotent
@requires("manager")
@clients_bp.response(200, MilestoneCodeSchema)
def void_code(client_id, code):
    """Void a code: it can no longer be used. 409 `code_held` (on an open sale), `code_used`, `code_void`;
    404 `code_not_found` for a code that is not this client's."""
    client_service.get_client(client_id)
    grant = milestones.void_code(current_actor(), code=code, client_id=client_id)
    return milestones.code_as_dict(grant)
