"""Column types that keep the product's rules on every database: exact money, aware times."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, Integer
from sqlalchemy.types import TypeDecorator

from pos_loyalty.core.money import from_cents, to_cents


class Money(TypeDecorator):
    """Decimal in Python, integer minor units in the database (SQLite has no exact decimal)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect):
        return None if value is None else to_cents(Decimal(value))

    def process_result_value(self, value, dialect):
        return None if value is None else from_cents(int(value))


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes, stored in UTC (SQLite forgets offsets)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: pass a timezone-aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Points and quantities of points: 64-bit (PostgreSQL's INTEGER stops at 2,147,483,647). SQLite's INTEGER is
# already 64-bit, so it keeps its plain type there.
Points = BigInteger().with_variant(Integer(), "sqlite")
