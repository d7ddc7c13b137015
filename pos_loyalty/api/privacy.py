"""A person's data on the clients blueprint: `GET /clients/{id}/export` and `DELETE /clients/{id}` (managers).

The export answers as a download (`Content-Disposition: attachment`) as well as JSON. The erasure is
services/privacy.py: an erased client is a 404 (`client_erased`) to every client call afterwards, and a
second erasure a 409 (`client_erased`), so that a retry without an Idempotency-Key says what happened.
"""
from __future__ import annotations

from pos_loyalty.schemas.privacy import ErasureSchema, PrivacyExportSchema
from pos_loyalty.services import privacy

from .auth import current_actor, requires
from .clients import bp
from .idempotency import idempotent


def attachment(client_id: int) -> dict:
    return {"Content-Disposition": f'attachment; filename="client-{client_id}-data.json"'}


@bp.route("/<int:client_id>/export", methods=["GET"])
@requires("manager")
@bp.response(200, PrivacyExportSchema)
def export_client(client_id):
    """All that is held about the person, as JSON (a download); recorded in the audit trail."""
    return privacy.export_client(current_actor(), client_id), attachment(client_id)


@bp.route("/<int:client_id>", methods=["DELETE"])
@idempotent
@requires("manager")
@bp.response(200, ErasureSchema)
def erase_client(client_id):
    """Erase the person: names, phone, e-mail, birth date, referral code and card link gone, the words that
    named them scrubbed; the ledger, its sums and the sales kept. 409 `client_erased` the second time,
    409 `client_has_open_sale` while a sale of the client is open."""
    erasure = privacy.erase_client(current_actor(), client_id)
    return {"id": erasure.client_id, "erased_at": erasure.erased_at, "balance": erasure.balance,
            "ledger_entries": erasure.ledger_entries, "scrubbed": erasure.scrubbed}
