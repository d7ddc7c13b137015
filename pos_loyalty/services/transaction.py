"""One use case, one transaction; a use case called inside another joins the outer transaction.

Hooks that tell the outside world (plugins' sale events) run only once the outermost commit succeeded.

SQLAlchemy's identity map holds objects weakly: a salon or program version read at the start of a use case
and dropped by the code would be selected again by the next `session.get`. Every object loaded inside a
use case is kept alive until it ends (`keep_loaded_objects`), so a use case reads each row once; after it,
they are released, so a long batch of use cases does not grow. `use_case_cache()` is the same idea for
other reads that stay true until the use case ends (the open lots of an account it has locked).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
import logging

from sqlalchemy import event

from pos_loyalty.extensions import db

_CACHE = "use_case_cache"
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
            db.session.info.pop(_CACHE, None)
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


def use_case_cache() -> dict | None:
    """A dict that lives as long as the current outermost transaction, or None outside one."""
    if not _depth.get():
        return None
    return db.session.info.setdefault(_CACHE, {})


def keep_loaded_objects() -> None:
    """Register once per process: objects loaded while a use case runs live until it ends."""
    if getattr(keep_loaded_objects, "done", False):
        return
    keep_loaded_objects.done = True

    @event.listens_for(db.session, "loaded_as_persistent")
    def _keep(session, instance):
        if _depth.get():
            session.info.setdefault(_CACHE, {}).setdefault("loaded", []).append(instance)
