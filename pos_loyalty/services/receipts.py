"""The receipt of a sale: the data the layout needs, then text, ESC/POS bytes or a PNG preview."""
from __future__ import annotations

from pos_loyalty.core.errors import Invalid
from pos_loyalty.services.actor import Actor


def render_receipt(actor: Actor, sale_id: int, output: str, width: int | None) -> tuple[bytes | str, str]:
    raise Invalid("Receipts are not available yet.", code="receipt_unavailable")
