"""GET /api/v1/tills, PATCH /api/v1/tills/{code}: each till's printer (managers)."""
from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate

from pos_loyalty.printing.transports import PrinterConfigError, PrinterPlaces, allowed_printer
from pos_loyalty.services import tills as till_service

from .auth import current_actor, requires
from .idempotency import idempotent
from pos_loyalty.schemas.bodies import Strict

bp = Blueprint("tills", __name__, url_prefix="/api/v1/tills", description="Tills and their printers")


def printer_url(value: str | None) -> None:
    """A well-formed address where receipts may go (file:// in the print folder, tcp:// to printer ports)."""
    if value is None:
        return
    try:
        allowed_printer(value, PrinterPlaces.from_config(current_app.config))
    except PrinterConfigError as error:
        raise ValidationError(str(error)) from None


class TillSchema(Strict):
    code = fields.String(dump_only=True)
    name = fields.String(validate=validate.Length(min=1, max=80))
    printer_url = fields.String(allow_none=True, validate=[validate.Length(max=250), printer_url],
                                metadata={"description": "tcp://HOST:9100, usb://VID:PID, serial:///dev/ttyUSB0, "
                                                         "file:///path, cups://QUEUE, none; null: the salon default. "
                                                         "?status=0 for a printer that cannot answer status "
                                                         "queries (then trusted). file:// only inside "
                                                         "POS_LOYALTY_PRINT_DIR, tcp:// only to the ports of "
                                                         "POS_LOYALTY_PRINTER_PORTS (9100-9109)"})
    printer_width = fields.Integer(strict=True, validate=validate.OneOf([32, 48]),
                                   metadata={"description": "32 columns (58 mm paper) or 48 (80 mm)"})


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
