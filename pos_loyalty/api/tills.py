"""GET /api/v1/tills, PATCH /api/v1/tills/{code}: each till's printer (managers)."""
from __future__ import annotations

from flask_smorest import Blueprint

from pos_loyalty.schemas.tills import TillSchema
from pos_loyalty.services import tills as till_service

from .auth import current_actor, requires
from .idempotency import idempotent

bp = Blueprint("tills", __name__, url_prefix="/api/v1/tills", description="Tills and their printers")


@bp.route("", methods=["GET"])
@requires("manager")
@bp.response(200, TillSchema(many=True))
def list_tills():
    return till_service.list_tills(current_actor())


@bp.route("/<code>", methods=["PATCH"])
@idempotent
@requires("manager")
@bp.arguments(TillSchema(partial=True))
@bp.response(200, TillSchema)
def patch_till(data, code):
    return till_service.update_till(current_actor(), code, data)
