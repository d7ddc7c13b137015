"""The unsubscribe link of every mail, /mail/unsubscribe/<token>, on the client pages' blueprint (the
visitor's language, private answers, no session).

GET shows what the button does and the button; POST unsubscribes. The POST needs no CSRF token: the signed
token in the address is its only key, so the one-click POST of mail clients (List-Unsubscribe-Post, RFC
8058) works, and a forged page cannot guess a token. A bad or cut link is a clear 404 page, changing nothing.
"""
from __future__ import annotations

from flask import render_template

from pos_loyalty.core.errors import NotFound
from pos_loyalty.panel import csrf
from pos_loyalty.panel.client_pages import bp
from pos_loyalty.services.cards import home_salon
from pos_loyalty.services.mail_admin import client_of_unsubscribe_link, unsubscribe
from pos_loyalty.services.transaction import transaction


def _invalid():
    return render_template("client/unsubscribe.html", state="invalid", salon=None, token=""), 404


@bp.route("/mail/unsubscribe/<token>", methods=["GET"])
def unsubscribe_page(token):
    try:
        with transaction():
            client = client_of_unsubscribe_link(token)
            salon = home_salon(client)
            state = "ask" if client.email_opt_in else "done"
            return render_template("client/unsubscribe.html", state=state, salon=salon, token=token)
    except NotFound:
        return _invalid()


@bp.route("/mail/unsubscribe/<token>", methods=["POST"])
@csrf.exempt
def unsubscribe_post(token):
    try:
        client = unsubscribe(token)
        with transaction():
            return render_template("client/unsubscribe.html", state="done", salon=home_salon(client), token=token)
    except NotFound:
        return _invalid()
