"""Pages for clients, without staff login: their own card (/card/<token>), the sign-up page (/join?ref=CODE)
and the short referral link printed on receipts (/r/<code>, which leads to the sign-up page).

They speak the visitor's language (Accept-Language among fr/en/it, or the FR/EN/IT links' ?lang=) and keep
no session for it. Every answer here, refusals included, is private: no shared cache keeps it, no other
site learns its address (the card's token is its only key) and no search engine lists it. Sign-ups are
limited per client address (JOIN_RATE) with the panel's own Flask-Limiter.
"""
from __future__ import annotations

import qrcode
import qrcode.image.svg
from flask import Blueprint, Flask, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from pos_loyalty.core.errors import DomainError
from pos_loyalty.panel.forms import FormErrors, load_form
from pos_loyalty.panel.milestone_card import milestone_card
from pos_loyalty.runtime import runtime
from pos_loyalty.schemas.join import JOIN_FIELDS, JoinSchema
from pos_loyalty.services.cards import card_of
from pos_loyalty.services.context import current_terms
from pos_loyalty.services.join import join, referrer_of

bp = Blueprint("client_pages", __name__)
LANGUAGES = ("fr", "en", "it")


def visitor_language() -> str:
    """?lang= (the FR/EN/IT links), else the browser's preferred language among ours, else the salon's."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        return chosen
    from pos_loyalty.panel.context import salon_locale

    return request.accept_languages.best_match(LANGUAGES) or salon_locale().split("_")[0]


@bp.after_app_request
def keep_private(response):
    """Registered before the security headers (create_app: init_panel, then init_security_headers), so it
    runs after them and its Referrer-Policy wins over the panel's same-origin."""
    if request.blueprint == bp.name:
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def qr_svg(data: str) -> Markup:
    """The QR code of `data` as inline SVG (white quiet zone included), sized by the stylesheet."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, border=2,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    return Markup(image.to_string(encoding="unicode"))  # noqa: S704 - made by qrcode from our own URL


def short_name(client) -> str:
    """How the sign-up page names a referrer to a stranger: "Marie D.", never more."""
    initial = (client.last_name or "").strip()[:1].upper()
    return f"{client.first_name.strip()} {initial}." if initial else client.first_name.strip()


@bp.route("/card/<token>")
def card(token: str):
    found = card_of(token)
    client = found.client
    link = runtime().referral_link.format(code=client.referral_code) if client.referral_code else ""
    terms = current_terms()
    return render_template("client/card.html", card=found, client=client, salon=found.salon,
                           summary=found.loyalty.summary, enabled=found.loyalty.enabled, visits=found.visits,
                           referral_link=link, referral_qr=qr_svg(link) if link else "", terms=terms,
                           milestone=milestone_card(client.id))


@bp.route("/r/<code>")
def referral(code: str):
    """The referral link a client shares (REFERRAL_LINK's default): to the sign-up page with the code."""
    return redirect(url_for("client_pages.join_page", ref=code[:60]), 302)


def render_join(referrer, ref: str, status: int = 200, errors: dict | None = None, notice: str | None = None):
    from pos_loyalty.panel.context import current_salon

    return render_template("client/join.html", referrer=referrer, invited_by=short_name(referrer) if referrer else "",
                           ref=ref, invalid_invitation=bool(ref) and referrer is None, errors=errors or {},
                           notice=notice, salon=current_salon(), lang=request.args.get("lang")), status


@bp.route("/join", methods=["GET", "POST"])
def join_page():
    ref = request.args.get("ref", "").strip()[:60]
    referrer = referrer_of(ref)
    if request.method == "GET":
        return render_join(referrer, ref)
    try:
        data = load_form(JoinSchema(), request.form, JOIN_FIELDS)
        client = join(data, ref)
    except FormErrors as refused:
        return render_join(referrer, ref, 422, refused.errors)
    except DomainError as error:
        if error.code != "already_registered":
            raise
        # The same words whoever the details belong to, and nothing said of whose they are.
        return render_join(referrer, ref, 409, notice=_("These details are already registered: ask at the salon "
                                                        "for your card."))
    return redirect(url_for("client_pages.card", token=client.card_token, lang=request.args.get("lang")), 303)


@bp.errorhandler(429)
def too_many(error):
    from pos_loyalty.panel.context import current_salon

    headers = {name: value for name, value in error.get_response().headers.items() if name == "Retry-After"}
    return render_template("client/too_many.html", salon=current_salon()), 429, headers


def throttle_sign_ups(app: Flask) -> None:
    """JOIN_RATE sign-up attempts per client address, on the login's limiter (its storage): every
    attempt that reached the lookup of the details counts, made or refused as already registered; a form
    sent back for a missing field does not. Beyond it, the 429 page above."""
    limiter = app.extensions["pos_loyalty_login_limiter"]
    endpoint = "client_pages.join_page"
    app.config.setdefault("JOIN_RATE", "5 per hour")
    app.view_functions[endpoint] = limiter.limit(
        lambda: current_app.config["JOIN_RATE"], methods=["POST"], scope="join",
        deduct_when=lambda response: response.status_code not in (400, 422))(app.view_functions[endpoint])
