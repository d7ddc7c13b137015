"""GET /api/v1/mail/outbox and POST /api/v1/mail/outbox/{id}/retry: the e-mail outbox (managers), the same
service as /manage/outbox."""
from __future__ import annotations

from flask_smorest import Blueprint

from pos_loyalty.schemas.mail import OutboxMailSchema, OutboxPageSchema, OutboxQuerySchema
from pos_loyalty.services import mail_admin

from .auth import current_actor, requires

bp = Blueprint("mail", __name__, url_prefix="/api/v1/mail", description="The e-mail outbox")


@bp.route("/outbox", methods=["GET"])
@requires("manager")
@bp.arguments(OutboxQuerySchema, location="query")
@bp.response(200, OutboxPageSchema)
def outbox(query):
    """The salon's mails, newest first, 50 a page: waiting, sent, failed with the reason."""
    page = mail_admin.outbox(current_actor(), query.get("status"), query.get("page", 1))
    return {"items": page.mails, "counts": page.counts, "page": page.page, "pages": page.pages,
            "mail_enabled": page.mail_enabled}


@bp.route("/outbox/<int:mail_id>/retry", methods=["POST"])
@requires("manager")
@bp.response(200, OutboxMailSchema)
def retry(mail_id):
    """Send a failed mail again (409 unless it failed)."""
    return mail_admin.send_again(current_actor(), mail_id)
