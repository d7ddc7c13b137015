"""Time comes from an injectable clock, so that expiry and promotions are testable without sleeping."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to (tests, the demo's year of history)."""

    def __init__(self, start: datetime):
        if start.tzinfo is None:
            raise ValueError("the clock needs a timezone-aware datetime")
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("the clock needs a timezone-aware datetime")
        self.current = moment

    def advance(self, **delta) -> None:
        self.current += timedelta(**delta)


def local_today(moment: datetime, zone: tzinfo | str) -> date:
    return moment.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone).date()
