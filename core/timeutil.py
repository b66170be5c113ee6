"""Time: stored in UTC, shown and bucketed in the company time zone."""

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Naive UTC, as stored in the database (SQLite keeps no zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


def company_zone() -> ZoneInfo:
    """The company time zone (settings page, else configuration): periods and days are counted in it."""
    from core.i18n import select_timezone

    return ZoneInfo(select_timezone())


def local_midnight_utc(day: date, zone: ZoneInfo | None = None) -> datetime:
    """The naive UTC instant at which ``day`` begins in the company time zone (for period bounds in SQL)."""
    local = datetime.combine(day, time.min, tzinfo=zone or company_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def period_bounds(period: Any, zone: ZoneInfo | None = None) -> tuple[datetime, datetime]:
    """[start, end) of a contracts.Period as naive UTC datetimes, the period being in the company time zone."""
    return local_midnight_utc(period.start, zone), local_midnight_utc(period.end, zone)


def month_period(year: int, month: int) -> Any:
    from core.contracts import Period

    end = date(year + (month == 12), month % 12 + 1, 1)
    return Period(date(year, month, 1), end)


def local_today(zone: ZoneInfo | None = None) -> date:
    """Today in the company time zone: due dates and "overdue" are company-local days, not the server's."""
    return datetime.now(zone or company_zone()).date()


def local_date(moment: datetime, zone: ZoneInfo | None = None) -> date:
    """The company-local day on which a stored (naive UTC) instant falls."""
    return moment.replace(tzinfo=UTC).astimezone(zone or company_zone()).date()


def local_to_utc(moment: datetime, zone: ZoneInfo | None = None) -> datetime:
    """A naive wall-clock time in the company zone (as shops and people write it) as stored naive UTC."""
    return moment.replace(tzinfo=zone or company_zone()).astimezone(UTC).replace(tzinfo=None)
