"""The rewards catalogue (manager) and the salon's catalogue of services and products."""
from __future__ import annotations

from flask_smorest import Blueprint

from pos_loyalty.core.rewards import normalise_reward_value
from pos_loyalty.services import catalogue as catalogue_service
from pos_loyalty.services import program as program_service

from .auth import current_actor, requires
from .idempotency import idempotent
from pos_loyalty.schemas.bodies import (CatalogueItemSchema, CatalogueQuerySchema, CategoryNameSchema, CategorySchema,
                                         RewardSchema)

bp = Blueprint("rewards", __name__, url_prefix="/api/v1", description="Rewards and the salon's catalogue")


@bp.route("/rewards", methods=["GET"])
@requires("manager")
@bp.response(200, RewardSchema(many=True))
def list_rewards():
    return program_service.list_rewards()


@bp.route("/rewards", methods=["POST"])
@idempotent
@requires("manager")
@bp.arguments(RewardSchema)
@bp.response(201, RewardSchema)
def create_reward(data):
    data["value"] = normalise_reward_value(data["kind"], data["value"])
    return program_service.create_reward(current_actor(), data)


@bp.route("/rewards/<int:reward_id>", methods=["GET"])
@requires("manager")
@bp.response(200, RewardSchema)
def read_reward(reward_id):
    return program_service.get_reward(reward_id)


@bp.route("/rewards/<int:reward_id>", methods=["PATCH"])
@idempotent
@requires("manager")
@bp.arguments(RewardSchema(partial=True))
@bp.response(200, RewardSchema)
def patch_reward(data, reward_id):
    reward = program_service.get_reward(reward_id)
    if "kind" in data or "value" in data:
        data["value"] = normalise_reward_value(data.get("kind", reward.kind), data.get("value", reward.value))
    return program_service.update_reward(current_actor(), reward_id, data)


@bp.route("/rewards/<int:reward_id>", methods=["DELETE"])
@idempotent
@requires("manager")
@bp.response(204)
def delete_reward(reward_id):
    program_service.delete_reward(current_actor(), reward_id)


@bp.route("/catalogue", methods=["GET"])
@requires("till")
@bp.arguments(CatalogueQuerySchema, location="query")
@bp.response(200, CatalogueItemSchema(many=True))
def list_catalogue(query):
    return catalogue_service.list_items(current_actor().salon_id, query.get("q"))


@bp.route("/catalogue", methods=["POST"])
@idempotent
@requires("manager")
@bp.arguments(CatalogueItemSchema)
@bp.response(201, CatalogueItemSchema)
def create_catalogue_item(data):
    return catalogue_service.create_item(current_actor(), data)


@bp.route("/catalogue/<int:item_id>", methods=["PATCH"])
@idempotent
@requires("manager")
@bp.arguments(CatalogueItemSchema(partial=True, exclude=("code",)))
@bp.response(200, CatalogueItemSchema)
def patch_catalogue_item(data, item_id):
    return catalogue_service.update_item(current_actor(), item_id, data)


@bp.route("/catalogue/categories", methods=["GET"])
@requires("till")
@bp.response(200, CategorySchema(many=True))
def list_categories():
    """Every category the salon's items carry, with the name the till shows for it."""
    return catalogue_service.list_categories(current_actor().salon_id)


@bp.route("/catalogue/categories/<code>", methods=["PUT"])
@idempotent
@requires("manager")
@bp.arguments(CategoryNameSchema)
@bp.response(200, CategorySchema)
def name_category(data, code):
    """The category's name in the salon's language ("colour" → "Couleur"); the items keep their code."""
    return catalogue_service.set_category_name(current_actor(), code, data["display_name"])
