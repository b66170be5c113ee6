"""Moments of a page of rows, as the core's ``|datetime("short")`` writes them, at a fraction of its cost
(issue 18).

The core filter moves each value to the company zone (pytz) and runs babel's time pattern on it: on the finance
queue's 500 rows that was a third of the rows' Python once the amounts were cut (views/amounts.py). A short
moment is a day's text and a time of day's text (hour and minute) put into the locale's datetime pattern; here
both are kept for the process (a queue's rows share days, and a day has 1,440 minutes), and the zone's offset is
looked up once per UTC day (a day with a daylight-saving switch goes to the core filter). The texts are babel's
own, from the same CLDR patterns. The writer is checked against the core filter on a few moments, once per
locale, zone and process, and not used if they differ (another date format set in flask_babel) or if the time
pattern holds more than hours, minutes and the day period (seconds, a zone name): every moment then goes to the
core filter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Any

import flask_babel
from babel import Locale
from babel.dates import DateTimePattern, get_date_format, get_datetime_format, get_time_format, parse_pattern
from flask import current_app, has_request_context

from core.web.locale import datetime_filter

#: Day texts kept per locale (as the core keeps them per format).
MAX_DAYS = 4096
#: The time pattern may hold hours, minutes and the day period: its text then depends on those alone.
_TIME_FIELDS = set("HhKkmaBb")
_UNKNOWN: Any = object()
#: Moments the writer is checked on: both halves of the day, a minute before midnight, a leap day.
_CHECKS = (datetime(2026, 1, 15, 3, 7), datetime(2026, 7, 1, 16, 59, 59, 999999), datetime(2025, 12, 31, 23, 59),
           datetime(2024, 2, 29, 12, 0, 30))


class _Patterns:
    """One locale's short date, short time and datetime patterns, and the texts written with them so far."""

    def __init__(self, locale: Locale) -> None:
        self.locale = locale
        time_pattern = get_time_format("short", locale=locale).pattern
        # The pattern's fields: its letters outside quoted literals.
        self.usable = {c for c in re.sub(r"'[^']*'", "", time_pattern) if c.isascii() and c.isalpha()} <= _TIME_FIELDS
        self.date: DateTimePattern = parse_pattern(get_date_format("short", locale=locale))
        self.time: DateTimePattern = parse_pattern(time_pattern)
        self.combined = str(get_datetime_format("short", locale=locale)).replace("'", "")
        self.days: dict[date, str] = {}
        self.times: dict[tuple[int, int], str] = {}

    def text(self, local: datetime) -> str:
        day = local.date()
        day_text = self.days.get(day)
        if day_text is None:
            if len(self.days) >= MAX_DAYS:
                self.days.clear()
            day_text = self.days[day] = self.date.apply(day, self.locale)
        key = (local.hour, local.minute)
        time_text = self.times.get(key)
        if time_text is None:
            time_text = self.times[key] = self.time.apply(time(*key), self.locale)
        return self.combined.replace("{0}", time_text).replace("{1}", day_text)


@lru_cache(maxsize=16)
def _patterns(locale_name: str) -> _Patterns:
    return _Patterns(Locale.parse(locale_name))


@lru_cache(maxsize=16)
def _offsets(zone: tzinfo) -> dict[date, timedelta | None]:
    """UTC day → the zone's offset through it, kept for the process (a zone switches twice a year at most)."""
    return {}


def short_moment_text() -> Callable[[Any], str]:
    """A function that writes a stored (naive UTC) datetime exactly as ``datetime_filter(value, "short")`` does
    for this request's locale and zone."""
    if not has_request_context():
        return _slow
    locale, zone = flask_babel.get_locale(), flask_babel.get_timezone()
    if locale is None or zone is None:
        return _slow
    patterns = _patterns(str(locale))
    if not patterns.usable:
        return _slow
    offsets = _offsets(zone)
    last_microsecond = timedelta(hours=23, minutes=59, seconds=59, microseconds=999999)

    def offset(day: date) -> timedelta | None:
        """The zone's offset through this UTC day; None if it changes within it (a daylight-saving switch)."""
        if len(offsets) >= MAX_DAYS:
            offsets.clear()
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        first, last = start.astimezone(zone).utcoffset(), (start + last_microsecond).astimezone(zone).utcoffset()
        offsets[day] = shift = first if first == last else None
        return shift

    def fast(value: Any) -> str:
        if type(value) is not datetime or value.tzinfo is not None:
            return _slow(value)
        day = value.date()
        shift = offsets.get(day, _UNKNOWN)  # one look-up: another thread may clear the dict between two
        if shift is _UNKNOWN:
            shift = offset(day)
        if shift is None:
            return _slow(value)
        return patterns.text(value + shift)

    checked: dict[tuple[str, str], bool] = current_app.extensions["netsales"].memo("expenses.moment_checks", None, dict)
    key = (str(locale), str(zone))
    agrees = checked.get(key)
    if agrees is None:
        agrees = checked[key] = all(fast(check) == datetime_filter(check, "short") for check in _CHECKS)
    return fast if agrees else _slow


def _slow(value: Any) -> str:
    return datetime_filter(value, "short")
