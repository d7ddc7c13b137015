"""/manage/outbox: the e-mails to clients, newest first, by status (waiting, sent, failed with the reason),
"send again" for a failed one. Reads services/mail_admin.py as GET /api/v1/mail/outbox does; its GET form
is checked by the API's OutboxQuerySchema."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from pos_loyalty.core.errors import DomainError
from pos_loyalty.panel.forms import FormErrors, load_form
from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.page import acting_manager, manager_page
from pos_loyalty.schemas.mail import OutboxQuerySchema
from pos_loyalty.services import mail_admin


def kind_words(kind: str) -> str:
    return {
        "reward_unlocked": lambda: _("Reward unlocked (code)"),
        "reward_within_reach": lambda: _("Reward within reach"),
        "points_expiring": lambda: _("Points expiring"),
        "referral_thanks": lambda: _("Thanks for a referral"),
    }.get(kind, lambda: kind)()


def status_words(status: str) -> str:
    return {"waiting": lambda: _("Waiting"), "sending": lambda: _("Sending"), "sent": lambda: _("Sent"),
            "failed": lambda: _("Failed")}.get(status, lambda: status)()


@bp.route("/outbox")
@manager_page
def outbox():
    try:
        query = load_form(OutboxQuerySchema(), request.args, ["status", "page"])
    except FormErrors:
        query = {}
    page = mail_admin.outbox(acting_manager(), query.get("status"), query.get("page", 1))
    return render_template("manage/outbox.html", outbox=page, status=query.get("status"),
                           kind_words=kind_words, status_words=status_words, statuses=mail_admin.STATUSES)


@bp.route("/outbox/<int:mail_id>/retry", methods=["POST"])
@manager_page
def outbox_retry(mail_id):
    try:
        mail_admin.send_again(acting_manager(), mail_id)
    except DomainError as error:
        if error.status == 404:
            raise
        reason = error.message
        flash({"mail_not_failed": lambda: _("Only a failed e-mail can be sent again."),
               "mail_erased": lambda: _("This e-mail has no address any more: its client was erased."),
               "mail_disabled": lambda: _("No mail server is configured (POS_LOYALTY_SMTP_URL)."),
               }.get(error.code, lambda: reason)(), "error")
    else:
        flash(_("The mail waits to be sent again."), "ok")
    return redirect(url_for("manage.outbox", status=request.form.get("status") or None,
                            page=request.form.get("page") or None))
