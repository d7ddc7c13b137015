"""Sales at the till: open, attach the client, redeem, pay, cancel, refund, receipt."""
from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from pos_loyalty.services import payments as payment_service
from pos_loyalty.services import redemptions as redemption_service
from pos_loyalty.services import refunds as refund_service
from pos_loyalty.services import sales as sale_service
from pos_loyalty.services.context import salon_time
from pos_loyalty.services.sale_view import describe_sale

from .auth import current_actor, requires
from .idempotency import idempotent
from pos_loyalty.schemas.bodies import (AttachClientSchema, PaymentInSchema, PaymentOutSchema, ReceiptQuerySchema, SaleLineSchema,
                      RedemptionInSchema, RefundOutSchema, SaleInSchema, SaleOutSchema)

bp = Blueprint("sales", __name__, url_prefix="/api/v1/sales", description="Sales at the till")
# The checkout's bodies are read by schema instances made once (a class would be instantiated by webargs on
# every request, its nested schemas with it): the tills' hottest path.


def sale_out(sale) -> dict:
    return describe_sale(sale, salon_time(sale.salon_id))


@bp.route("", methods=["POST"])
@idempotent
@requires("till")
@bp.arguments(SaleInSchema())
@bp.response(201, SaleOutSchema)
def create_sale(data):
    return sale_out(sale_service.create_sale(current_actor(), data))


@bp.route("/<int:sale_id>", methods=["GET"])
@requires("till")
@bp.response(200, SaleOutSchema)
def read_sale(sale_id):
    return sale_out(sale_service.get_sale(current_actor(), sale_id))


@bp.route("/<int:sale_id>/client", methods=["PUT"])
@idempotent
@requires("till")
@bp.arguments(AttachClientSchema())
@bp.response(200, SaleOutSchema)
def attach_client(data, sale_id):
    return sale_out(sale_service.attach_client(current_actor(), sale_id, data["client_id"]))


@bp.route("/<int:sale_id>/redemptions", methods=["POST"])
@idempotent
@requires("till")
@bp.arguments(RedemptionInSchema())
@bp.response(201, SaleOutSchema)
def redeem(data, sale_id):
    """Hold the reward's points on the sale and apply its discount; deducted when the sale is paid. Or
    `{"code": "KXQBRT"}`: a milestone code, at 0 points, never with another reward or a discount code."""
    if "code" in data:
        redemption_service.redeem_code(current_actor(), sale_id, data["code"])
    else:
        redemption_service.hold_reward(current_actor(), sale_id, data["reward_id"], data.get("grant_id"))
    return sale_out(sale_service.get_sale(current_actor(), sale_id))


@bp.route("/<int:sale_id>/redemptions/<int:redemption_id>", methods=["DELETE"])
@idempotent
@requires("till")
@bp.response(200, SaleOutSchema)
def release(sale_id, redemption_id):
    redemption_service.release_reward(current_actor(), sale_id, redemption_id)
    return sale_out(sale_service.get_sale(current_actor(), sale_id))


@bp.route("/<int:sale_id>/payments", methods=["POST"])
@idempotent
@requires("till")
@bp.arguments(PaymentInSchema())
@bp.response(201, PaymentOutSchema)
def pay(data, sale_id):
    """Take a payment (split payments welcome); when nothing is due, points are credited and deducted."""
    result = payment_service.take_payment(current_actor(), sale_id, data["amount"], data["method"])
    return {"sale": sale_out(result.sale), "status": result.status, "points_earned": result.points_earned,
            "points_redeemed": result.points_redeemed, "balance": result.balance, "change": result.change}


@bp.route("/<int:sale_id>/cancel", methods=["POST"])
@idempotent
@requires("till")
@bp.response(200, SaleOutSchema)
def cancel(sale_id):
    return sale_out(sale_service.cancel_sale(current_actor(), sale_id))


@bp.route("/<int:sale_id>/refund", methods=["POST"])
@idempotent
@requires("manager")
@bp.response(200, RefundOutSchema)
def refund(sale_id):
    result = refund_service.refund_sale(current_actor(), sale_id)
    return {"sale": sale_out(result.sale), "points_reversed": result.points_reversed,
            "points_returned": result.points_returned, "balance": result.balance}


@bp.route("/<int:sale_id>/receipt", methods=["GET"])
@requires("till")
@bp.arguments(ReceiptQuerySchema, location="query")
@bp.response(200, content_type="text/plain")
def receipt(query, sale_id):
    """The receipt as text, the exact ESC/POS bytes, or a PNG preview."""
    from pos_loyalty.services.receipts import render_receipt

    body, mimetype = render_receipt(current_actor(), sale_id, query["format"], query.get("width"))
    return Response(body, mimetype=mimetype)


@bp.route("/<int:sale_id>/lines", methods=["POST"])
@idempotent
@requires("till")
@bp.arguments(SaleLineSchema())
@bp.response(201, SaleOutSchema)
def add_line(data, sale_id):
    """Add a service or product to an open sale (the same item again adds to its quantity)."""
    return sale_out(sale_service.add_line(current_actor(), sale_id, data))


@bp.route("/<int:sale_id>/lines/<int:position>", methods=["DELETE"])
@idempotent
@requires("till")
@bp.response(200, SaleOutSchema)
def remove_line(sale_id, position):
    return sale_out(sale_service.remove_line(current_actor(), sale_id, position))
