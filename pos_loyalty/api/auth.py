"""Bearer tokens for tills and managers: stored as SHA-256 digests (services/secret_keys.py), looked up by
digest; a revoked or expired token (by the injectable clock) is refused from the very next request.
"""
from __future__ import annotations

import functools

from flask import g, request

from pos_loyalty.core.errors import DomainError, Forbidden
from pos_loyalty.services.actor import Actor
from pos_loyalty.services.staff import token_in_force

ROLES = ("till", "manager")


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


def authenticate() -> Actor:
    if "actor" in g:
        return g.actor
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send the API token as `Authorization: Bearer TOKEN`.")
    row = token_in_force(token.strip())
    if row is None:
        raise Unauthorized("This API token is unknown, revoked or expired.")
    g.actor = Actor(name=row.name, role=row.role, salon_id=row.salon_id, till_id=row.till_id, token_id=row.id)
    return g.actor


def requires(role: str):
    """till: any valid token; manager: a manager token."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            actor = authenticate()
            if role == "manager" and not actor.is_manager:
                raise Forbidden("This call is for managers.")
            return view(*args, **kwargs)

        wrapper.required_role = role  # the OpenAPI document says 403 where a manager is required
        return wrapper

    return decorator


def current_actor() -> Actor:
    return authenticate()
