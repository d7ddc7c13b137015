"""One use case, one transaction; a use case called inside another joins the outer transaction.

Hooks that tell the outside world (plugins' sale events) run only once the outermost commit succeeded.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
import logging

from pos_loyalty.extensions import db

_depth: ContextVar[int] = ContextVar("transaction_depth", default=0)
_after_commit: ContextVar[list | None] = ContextVar("after_commit", default=None)
log = logging.getLogger(__name__)


@contextmanager
def transaction() -> Iterator:
    depth = _depth.get()
    depth_token = _depth.set(depth + 1)
    callbacks_token = _after_commit.set([]) if depth == 0 else None
    committed = False
    try:
        yield db.session
        if depth == 0:
            db.session.commit()
            committed = True
    except BaseException:
        if depth == 0:
            db.session.rollback()
        raise
    finally:
        callbacks = _after_commit.get() if callbacks_token is not None else None
        if callbacks_token is not None:
            _after_commit.reset(callbacks_token)
        _depth.reset(depth_token)
    if committed:
        # Outside the finished transaction: a callback may run a use case of its own (print a receipt).
        for callback in callbacks or []:
            try:
                callback()
            except Exception:  # a plugin's failure never undoes a committed sale
                log.exception("after-commit hook failed")


def after_commit(callback: Callable[[], None]) -> None:
    pending = _after_commit.get()
    if pending is None:
        raise RuntimeError("after_commit outside a transaction")
    pending.append(callback)
