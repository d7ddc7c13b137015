"""/manage/tills: each till's name and printer (checked by the API's TillSchema), a test print with the
printer's answer, and the pairing of the till's client display.

A pairing link is shown once, in the answer to the POST that made it (Cache-Control: no-store), as a link and
a QR code to open on the display's browser; a new pairing or an unpairing stops the old link and display.
"""
from __future__ import annotations

import base64
import io

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from pos_loyalty.panel.forms import load_form
from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.page import acting_manager, manager_page, saving
from pos_loyalty.schemas.tills import TillSchema
from pos_loyalty.services import tills as till_service
from pos_loyalty.services.printer_test import print_test_page

PAGE_FIELDS = ["name", "printer_url", "printer_width"]


def page_context(failed: str | None = None) -> dict:
    """The tills; `failed`: the till whose form was refused (its form shows what was typed, and the errors)."""
    return {"tills": till_service.list_tills(acting_manager()), "failed": failed, "pairing": None}


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as a PNG data: URI (the page's security policy allows data: images only)."""
    import qrcode

    image = qrcode.make(text, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def change_words(before: dict, after: dict) -> str:
    labels = {"name": _("Name"), "printer_url": _("Printer"), "printer_width": _("Paper width")}

    def shown(name: str, value) -> str:
        if name == "printer_url":
            return value or _("the salon's default")
        if name == "printer_width":
            return _("%(columns)s columns", columns=value)
        return str(value)

    return "; ".join(f"{labels[name]}: {shown(name, before[name])} → {shown(name, after[name])}" for name in after)


@bp.route("/tills", methods=["GET"])
@manager_page
def tills():
    return render_template("manage/tills.html", errors={}, **page_context())


@bp.route("/tills/<code>/printer", methods=["POST"])
@manager_page
@saving("manage/tills.html", **{name: (lambda code, name=name: page_context(code)[name])
                                for name in ("tills", "failed", "pairing")})
def tills_save(code: str):
    till = till_service.salon_till(acting_manager(), code)  # another salon's till: a 404, whatever was posted
    data = load_form(TillSchema(), request.form, PAGE_FIELDS)
    before = {name: getattr(till, name) for name in data}
    changes = {name: value for name, value in data.items() if before[name] != value}
    if not changes:
        flash(_("Nothing changed."), "info")
    else:
        till_service.update_till(acting_manager(), code, changes)
        flash(_("Till %(code)s saved: %(changes)s", code=code, changes=change_words(before, changes)), "ok")
    return redirect(url_for("manage.tills"))


@bp.route("/tills/<code>/test-print", methods=["POST"])
@manager_page
def tills_test_print(code: str):
    result = print_test_page(acting_manager(), code, title=_("Test print"),
                             note=_("If you can read this, the printer works."))
    if result.ok:
        flash(_("Test print on %(code)s: printed (%(printer)s).", code=code, printer=result.printer_url), "ok")
    elif result.status == "unconfirmed":
        flash(_("Test print on %(code)s: sent, not confirmed. %(reason)s", code=code, reason=result.reason), "warning")
    else:
        flash(_("Test print on %(code)s failed: %(reason)s", code=code, reason=result.reason), "error")
    return redirect(url_for("manage.tills"))


@bp.route("/tills/<code>/pair", methods=["POST"])
@manager_page
def tills_pair(code: str):
    till, secret = till_service.pair_display(acting_manager(), code)
    link = url_for("display.pair", secret=secret, _external=True)
    context = page_context()
    context["pairing"] = {"till": till, "link": link, "qr": qr_data_uri(link)}
    # The one and only showing of the link: this answer, kept by no cache.
    response = make_response(render_template("manage/tills.html", errors={}, **context))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.route("/tills/<code>/unpair", methods=["POST"])
@manager_page
def tills_unpair(code: str):
    till_service.unpair_display(acting_manager(), code)
    flash(_("The client display of %(code)s is unpaired: its link and its screen stop working.", code=code), "ok")
    return redirect(url_for("manage.tills"))
