"""The column types every table's dates and moments use: UTC-aware moments as ISO-8601 text
on SQLite and timestamptz on PostgreSQL; calendar days as 'YYYY-MM-DD'."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import TIMESTAMP, Date, Dialect, String, TypeDecorator

# The one stored timestamp format, YYYY-MM-DDTHH:MM:SS.ffffff+00:00: fixed width, so text order
# is time order (the stand-up compares timestamps as text), and a real day and time.
ISO_UTC_GLOB = (
    "[0-9]" * 4
    + "-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]."
    + ("[0-9]" * 6 + "+00:00")
)
# What a hand insert in sqlite3 gets when it leaves a timestamp out.
SQL_NOW = "(strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now'))"


def iso_utc_check(column: str) -> str:
    return (
        f"{column} GLOB '{ISO_UTC_GLOB}' "
        f"AND date(substr({column}, 1, 10), '+0 days') IS substr({column}, 1, 10) "
        f"AND time(substr({column}, 12, 8)) IS substr({column}, 12, 8)"
    )


class UTCDateTime(TypeDecorator[datetime]):
    """A UTC-aware datetime stored as ISO-8601 text on SQLite (readable in the sqlite3 CLI),
    as `timestamptz` on PostgreSQL.

    One fixed format (microseconds, +00:00) keeps text order equal to time order.
    A naive value written by hand is read as UTC.
    """

    impl = String(32)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(TIMESTAMP(timezone=True))
        return dialect.type_descriptor(String(32))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use a UTC-aware one")
        if dialect.name == "postgresql":
            return value.astimezone(UTC)
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, datetime):  # PostgreSQL's own
            return value.astimezone(UTC)
        try:
            parsed = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            # Not a timestamp (a row written around the CHECK constraints): reading one odd
            # row must not fail a whole page, so it is read as missing.
            return None
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


class ISODate(TypeDecorator[str]):
    """A calendar day as 'YYYY-MM-DD' text to the code: stored so on SQLite, as `date` on
    PostgreSQL."""

    impl = String(10)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Date())
        return dialect.type_descriptor(String(10))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name != "postgresql":
            return value
        return value if isinstance(value, date) else date.fromisoformat(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return value.isoformat() if isinstance(value, date) else value
