"""GET /api/v1/tills, PATCH /api/v1/tills/{code}: each till's printer (managers)."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate

from pos_loyalty.printing.transports import PrinterConfigError, parse_printer_url
from pos_loyalty.services import tills as till_service

from .auth import current_actor, requires
from .idempotency import idempotent
from .schemas import Strict

bp = Blueprint("tills", __name__, url_prefix="/api/v1/tills", description="Tills and their printers")


def printer_url(value: str | None) -> None:
    if value is None:
        return
    try:
        parse_printer_url(value)
    except PrinterConfigError as error:
        raise ValidationError(str(error)) from None


class TillSchema(Strict):
    code = fields.String(dump_only=True)
    name = fields.String(validate=validate.Length(min=1, max=80))
    printer_url = fields.String(allow_none=True, validate=[validate.Length(max=250), printer_url],
                                metadata={"description": "tcp://HOST:9100, usb://VID:PID, serial:///dev/ttyUSB0, "
                                                         "file:///path, cups://QUEUE, none; null: the salon default"})
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
