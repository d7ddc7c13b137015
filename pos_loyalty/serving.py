"""What a serving process does once, after building the app and before its first request."""
from __future__ import annotations

import gc


def settle_for_serving() -> None:
    """The objects made by importing and building the app live as long as the process: they are moved out of
    the garbage collector's sight (gc.freeze), so a full collection during a request walks only what requests
    made, not the whole app (a till's slowest answers were such collections). Before forking workers, it also
    keeps the parent's pages shared (no reference counts written by the collector)."""
    gc.collect()
    gc.freeze()
