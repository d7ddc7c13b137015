"""A till's name and printer: GET/PATCH /api/v1/tills and the back office's tills page check the same way."""
from __future__ import annotations

from flask import current_app
from marshmallow import ValidationError, fields, validate

from pos_loyalty.printing.transports import PrinterConfigError, PrinterPlaces, allowed_printer
from pos_loyalty.schemas.bodies import Strict
from pos_loyalty.schemas.fields import Text
from pos_loyalty.translatable import N_

PRINTER_WIDTHS = (32, 48)


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
    name = Text(non_blank=True, validate=validate.Length(min=1, max=80))
    printer_url = fields.String(allow_none=True, validate=[validate.Length(max=250), printer_url],
                                metadata={"description": "tcp://HOST:9100, usb://VID:PID, serial:///dev/ttyUSB0, "
                                                         "file:///path, cups://QUEUE, none; null: the salon default. "
                                                         "?status=0 for a printer that cannot answer status "
                                                         "queries (then trusted). file:// only inside "
                                                         "POS_LOYALTY_PRINT_DIR, tcp:// only to the ports of "
                                                         "POS_LOYALTY_PRINTER_PORTS (9100-9109)"})
    printer_width = fields.Integer(strict=True, validate=validate.OneOf(PRINTER_WIDTHS, error=N_("32 or 48 columns.")),
                                   metadata={"description": "32 columns (58 mm paper) or 48 (80 mm)"})
