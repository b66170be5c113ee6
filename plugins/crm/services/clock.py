"""Dates in the company time zone (stored times are naive UTC; due dates are company-local days)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app

from core.timeutil import utcnow


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Shanghai"))


def local_date(moment: datetime | None = None) -> date:
    moment = moment or utcnow()
    return moment.replace(tzinfo=UTC).astimezone(zone()).date()


def today() -> date:
    return local_date()


def start_of_day_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, zone()).astimezone(UTC).replace(tzinfo=None)


def local_to_utc(moment: datetime) -> datetime:
    """A naive local (company time) datetime, as typed in a form, to naive UTC."""
    return moment.replace(tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)


def utc_to_local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(zone()).replace(tzinfo=None)
