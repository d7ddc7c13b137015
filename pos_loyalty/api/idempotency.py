"""Idempotency-Key on writes: the first answer is stored in the same transaction as the change, so a replay
returns it and changes nothing; the same key with another request is refused.

With or without a key, a write and the answer describing it run in one transaction: the answer shows
exactly what was committed, and the till pays for one transaction, not a second one to read it back."""
from __future__ import annotations

import functools
import hashlib
import json

from flask import Response, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pos_loyalty.core.errors import Invalid
from pos_loyalty.extensions import db
from pos_loyalty.models import IdempotencyRecord
from pos_loyalty.runtime import runtime
from pos_loyalty.services.transaction import transaction

from .auth import authenticate

HEADER = "Idempotency-Key"


class _Refused(Exception):
    """An answer that is not a success: roll the transaction back, keep nothing."""

    def __init__(self, response: Response):
        self.response = response


def _request_hash() -> str:
    body = request.get_data(cache=True)
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n" + body).hexdigest()


def _replay(record: IdempotencyRecord) -> Response:
    body = "" if record.status_code == 204 else json.dumps(record.body)
    response = Response(body, status=record.status_code, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _stored(token_id: int, key: str) -> IdempotencyRecord | None:
    return db.session.scalars(select(IdempotencyRecord).where(IdempotencyRecord.token_id == token_id,
                                                              IdempotencyRecord.key == key)).first()


def idempotent(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            try:
                with transaction():
                    response = view(*args, **kwargs)
                    if response.status_code >= 400:
                        raise _Refused(response)
                    return response
            except _Refused as refused:
                return refused.response
        key = key.strip()
        if not 1 <= len(key) <= 200:
            raise Invalid("The Idempotency-Key header must be 1 to 200 characters.", code="bad_idempotency_key",
                          details={HEADER: ["1 to 200 characters."]})
        actor = authenticate()
        digest = _request_hash()
        try:
            with transaction():
                record = _stored(actor.token_id, key)
                if record is not None:
                    if record.request_hash != digest:
                        raise Invalid("This Idempotency-Key was used for a different request.",
                                      code="idempotency_key_reused", details={HEADER: ["Used for another request."]})
                    return _replay(record)
                # Claim the key first: a concurrent replay waits on this row instead of doing the work twice.
                record = IdempotencyRecord(token_id=actor.token_id, key=key, request_hash=digest, status_code=0,
                                           body={}, created_at=runtime().now())
                db.session.add(record)
                db.session.flush()
                response = view(*args, **kwargs)
                if response.status_code >= 400:
                    raise _Refused(response)
                record.status_code = response.status_code
                record.body = response.get_json(silent=True) if response.status_code != 204 else {}
                return response
        except _Refused as refused:
            return refused.response
        except IntegrityError:
            db.session.rollback()
            record = _stored(actor.token_id, key)
            if record is None or record.request_hash != digest:
                raise
            return _replay(record)

    return wrapper
