"""/manage/tokens: the salon's API tokens (tills, host POS, scripts), created and revoked from the page.

A new token is shown once, in the answer to the POST that created it, with Cache-Control: no-store: never in a
URL, a flash message or a page that can be fetched again. Only its digest is stored (services/staff.py).
"""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from pos_loyalty.panel.forms import load_form
from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.page import acting_manager, manager_page, saving
from pos_loyalty.runtime import runtime
from pos_loyalty.schemas.staff import TokenSchema
from pos_loyalty.services import staff as staff_service
from pos_loyalty.services import tills as till_service

FIELD_BY_CODE = {"bad_expiry": "expires_in_days"}  # the others name their field in their details


def role_words(role: str) -> str:
    return {"till": _("till"), "manager": _("manager")}.get(role, role)


def page_context() -> dict:
    actor = acting_manager()
    tills = till_service.list_tills(actor)
    return {"tokens": staff_service.list_tokens(actor=actor),
            "till_choices": [(till.code, f"{till.name} ({till.code})" if till.name != till.code else till.code)
                             for till in tills],
            "now": runtime().now(), "role_words": role_words}


@bp.route("/tokens", methods=["GET"])
@manager_page
def tokens():
    return render_template("manage/tokens.html", errors={}, created=None, **page_context())


@bp.route("/tokens", methods=["POST"])
@manager_page
@saving("manage/tokens.html", field_by_code=FIELD_BY_CODE, created=None,
        **{name: (lambda name=name: page_context()[name]) for name in ("tokens", "till_choices", "now", "role_words")})
def tokens_create():
    data = load_form(TokenSchema(), request.form)
    till = data["till"] if data["role"] == "till" else None  # the page's till select is for till tokens only
    row, secret = staff_service.create_token(data["role"], data["name"], till,
                                             expires_in_days=data["expires_in_days"], actor=acting_manager())
    # The one and only showing of the token: this answer, never stored by the browser or a proxy.
    response = make_response(render_template("manage/tokens.html", errors={}, created=row, secret=secret,
                                             **page_context()))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@manager_page
@saving("manage/tokens.html", created=None,
        **{name: (lambda token_id, name=name: page_context()[name]) for name in ("tokens", "till_choices", "now", "role_words")})
def tokens_revoke(token_id: int):
    row = staff_service.revoke_token(acting_manager(), token_id)
    flash(_("The token “%(name)s” is revoked: it stops working from the next request on.", name=row.name), "ok")
    return redirect(url_for("manage.tokens"))
