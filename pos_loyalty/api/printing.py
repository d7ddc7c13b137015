"""POST /sales/{id}/print queues the receipt; GET /sales/{id}/print-jobs shows what became of it."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from pos_loyalty.services import printing as printing_service

from .auth import current_actor, requires
from .idempotency import idempotent

bp = Blueprint("printing", __name__, url_prefix="/api/v1/sales", description="Receipt printing")


class PrintJobSchema(Schema):
    id = fields.Integer()
    sale_id = fields.Integer()
    status = fields.String(metadata={"description": "queued, printing, printed (the printer confirmed it), "
                                                    "unconfirmed (sent, not confirmed: it may have printed; never "
                                                    "sent again by itself, reprint if nothing came out) or failed"})
    attempts = fields.Integer()
    error = fields.String(metadata={"description": "why the last attempt failed or is not confirmed"})
    printer = fields.String(attribute="printer_url")
    requested_by = fields.String()
    created_at = fields.AwareDateTime()
    finished_at = fields.AwareDateTime(allow_none=True)


@bp.route("/<int:sale_id>/print", methods=["POST"])
@idempotent
@requires("till")
@bp.response(202, PrintJobSchema)
def print_receipt(sale_id):
    """Queue the receipt (or a reprint) for the till's printer; never blocks or fails the sale."""
    return printing_service.queue_receipt(current_actor(), sale_id)


@bp.route("/<int:sale_id>/print-jobs", methods=["GET"])
@requires("till")
@bp.response(200, PrintJobSchema(many=True))
def print_jobs(sale_id):
    return printing_service.jobs_of_sale(current_actor(), sale_id)
