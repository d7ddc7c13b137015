"""Bearer tokens for tills and managers: stored as SHA-256 digests, compared in constant time by lookup.

Tokens are 256-bit random strings, so a fast digest is the right tool (a slow password hash is for PINs).
"""
from __future__ import annotations

import functools
import hashlib
import secrets

from flask import g, request
from sqlalchemy import select

from pos_loyalty.core.errors import DomainError, Forbidden
from pos_loyalty.extensions import db
from pos_loyalty.models import ApiToken
from pos_loyalty.services.actor import Actor

ROLES = ("till", "manager")


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


def new_token() -> str:
    return "pl_" + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate() -> Actor:
    if "actor" in g:
        return g.actor
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send the API token as `Authorization: Bearer TOKEN`.")
    row = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == token_digest(token.strip()))).first()
    if row is None or row.revoked_at is not None:
        raise Unauthorized("This API token is unknown or revoked.")
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
