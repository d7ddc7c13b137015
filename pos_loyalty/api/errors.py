"""Every API failure goes through error_response: {"error": {"code", "message", "details"}}."""
from __future__ import annotations

import logging

from flask import jsonify, request
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from pos_loyalty.core.errors import DomainError

log = logging.getLogger(__name__)

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
              422: "validation_error", 429: "too_many_requests", 500: "internal_error", 503: "unavailable"}


def error_response(status: int, code: str, message: str, details: dict | None = None, headers: dict | None = None):
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def handle_domain_error(error: DomainError):
    return error_response(error.status, error.code, error.message, error.details)


def field_details(messages) -> dict:
    """webargs' {"json": {"lines": {"0": {"quantity": [...]}}}, "query": {...}} as one object keyed by field;
    a message about the whole body ({"json": ["Invalid JSON body."]}) goes under "_schema". Always an
    object, as the document says."""
    if not isinstance(messages, dict):
        return {"_schema": list(messages) if isinstance(messages, (list, tuple)) else [str(messages)]}
    details: dict = {}
    for location in messages.values():
        if isinstance(location, dict):
            details.update(location)
        else:
            details.setdefault("_schema", []).extend(location if isinstance(location, (list, tuple)) else [location])
    return details


def handle_http_exception(error: HTTPException):
    if not is_api_request():
        return error
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    status = error.code or 500
    if messages is not None:
        code = "validation_error" if status == 422 else HTTP_CODES.get(status, "error")
        return error_response(status, code, "Some fields are missing or invalid.", field_details(messages))
    message = data.get("message") or error.description or error.name
    # werkzeug's own headers, such as the Allow of a 405 (RFC 9110), but our JSON content type.
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    return error_response(status, HTTP_CODES.get(status, "error"), message, {}, headers)


def handle_integrity_error(error: IntegrityError):
    log.warning("integrity error: %s", error.orig)
    return error_response(409, "conflict", "This change conflicts with another one made at the same time;"
                          " try again.")


def handle_data_error(error: DataError):
    """A value the database refused (out of its range, or a character it cannot store): the schemas should
    have refused it first, so it is logged as a gap to close; the client gets a 422 and nothing is saved."""
    log.error("the database refused a value the schemas let through: %s", error.orig)
    if not is_api_request():
        raise error
    return error_response(422, "validation_error", "A value is out of range or holds characters that cannot be"
                          " stored; nothing was saved.")


def handle_operational_error(error: OperationalError):
    log.exception("database unavailable")
    return error_response(503, "unavailable", "The database is busy or unavailable; try again.")


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unexpected error on %s %s", request.method, request.path)
    if not is_api_request():
        raise error
    return error_response(500, "internal_error", "Something went wrong on our side; the change was not saved.")


def register_error_handlers(app) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(OperationalError, handle_operational_error)
    app.register_error_handler(Exception, handle_unexpected)
