"""Refusals on panel pages are the panel's own pages, in the chosen language, with a way back.

The API keeps its JSON error body: these handlers serve every path, and pass /api/ paths on to the API's.
A 500 page says nothing of what broke (the traceback goes to the log).
"""
from __future__ import annotations

import logging

from flask import Flask, render_template, session
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from pos_loyalty.api import errors as api_errors
from pos_loyalty.core.errors import DomainError
from pos_loyalty.extensions import db
from pos_loyalty.panel.messages import say

log = logging.getLogger(__name__)


def explanation(status: int) -> tuple[str, str]:
    """The page's title and what the person at the till can do about it."""
    pages = {
        400: lambda: (_("This did not work"), _("The page sent something unexpected. Go back and try again.")),
        403: lambda: (_("Managers only"), _("This page is for managers.")),
        404: lambda: (_("Page not found"), _("This page does not exist.")),
        405: lambda: (_("This did not work"), _("The page sent something unexpected. Go back and try again.")),
        429: lambda: (_("Too many attempts"),
                      _("Too many wrong PINs from this till: wait a minute, then try again.")),
        503: lambda: (_("Try again"), _("The database is busy or unavailable; try again in a moment.")),
    }
    default = lambda: (_("Something went wrong"), _("Something went wrong on our side; nothing was saved."))  # noqa: E731
    return pages.get(status, default)()


def error_page(status: int, message: str | None = None):
    title, text = explanation(status)
    signed_in = current_user.is_authenticated and session.get("till_id") is not None
    try:
        body = render_template("error.html", status=status, title=title, text=message or text, signed_in=signed_in)
    except Exception:  # the page itself failed (a database gone): a plain answer, still without a traceback
        log.exception("the error page failed")
        body = f"<!doctype html><title>{status}</title><p>{status}</p><p><a href=\"/\">pos_loyalty</a></p>"
    return body, status


def on_http_exception(error: HTTPException):
    if api_errors.is_api_request():
        return api_errors.handle_http_exception(error)
    status = error.code or 500
    response = error_page(status)
    headers = error.get_response().headers  # 405's Allow, 429's Retry-After
    kept = {name: value for name, value in headers.items() if name in ("Allow", "Retry-After")}
    return (*response, kept)


def on_domain_error(error: DomainError):
    if api_errors.is_api_request():
        return api_errors.handle_domain_error(error)
    return error_page(error.status, None if error.status in (403, 404) else say(error))


def on_integrity_error(error: IntegrityError):
    if api_errors.is_api_request():
        return api_errors.handle_integrity_error(error)
    db.session.rollback()
    log.warning("integrity error on a panel page: %s", error.orig)
    return error_page(409, _("This change conflicts with another one made at the same time; try again."))


def on_operational_error(error: OperationalError):
    if api_errors.is_api_request():
        return api_errors.handle_operational_error(error)
    db.session.rollback()
    log.exception("database unavailable on a panel page")
    return error_page(503)


def on_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return on_http_exception(error)
    if api_errors.is_api_request():
        return api_errors.handle_unexpected(error)
    log.exception("unexpected error on a panel page")
    db.session.rollback()
    return error_page(500)


def register_error_pages(app: Flask) -> None:
    """Registered after the API's handlers (api/errors.py), for the same exception classes, so that these
    replace them and hand /api/ paths back to them."""
    app.register_error_handler(HTTPException, on_http_exception)
    app.register_error_handler(DomainError, on_domain_error)
    app.register_error_handler(IntegrityError, on_integrity_error)
    app.register_error_handler(OperationalError, on_operational_error)
    app.register_error_handler(Exception, on_unexpected)
