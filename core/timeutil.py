"""Time: stored in UTC, shown and bucketed in the company time zone."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC, as stored in the database (SQLite keeps no zone)."""
    return datetime.now(UTC).replace(tzinfo=None)
