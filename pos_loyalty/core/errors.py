"""Domain errors: every refusal carries a stable code, a human message and details.

Entry points map them to HTTP statuses (409 conflict with the state, 422 unprocessable input, 404 unknown)
and to the error body of the contract.
"""
from __future__ import annotations


class DomainError(Exception):
    status = 409
    code = "conflict"

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}


class Conflict(DomainError):
    """The request is well formed but the state of things refuses it (sale paid, not enough points)."""

    status = 409
    code = "conflict"


class Invalid(DomainError):
    """The request names things that do not exist or values out of the rules (unknown code, bad referral)."""

    status = 422
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
