"""core/web/fast_text.py: the shortcuts are only taken where they write babel's own text (issue 18); elsewhere
babel writes every value. tests/core/web/test_formats.py compares the filters with babel over hundreds of values."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytz
from babel import Locale
from babel.numbers import parse_pattern

from core.web.fast_text import grouped_writer, writable, zone_days


def babel_writer(locale: str, pattern: str | None = None, currency: str | None = None):  # type: ignore[no-untyped-def]
    where = Locale.parse(locale)
    compiled = where.currency_formats["standard"] if currency else parse_pattern(pattern)
    return lambda value: compiled.apply(value, where, currency=currency, currency_digits=True,
                                        decimal_quantization=True, group_separator=True, numbering_system="latn")


def test_yuan_in_both_languages_is_written_by_python_and_equals_babel():
    for locale, expected in (("zh_Hans", "¥1,234.50"), ("en", "CN¥1,234.50")):
        write = grouped_writer(babel_writer(locale, currency="CNY"), 2)
        assert write is not None and write(Decimal("1234.50")) == expected


def test_no_writer_where_babel_writes_another_shape():
    assert grouped_writer(babel_writer("en", currency="JPY"), 2) is None  # the yen has no decimals
    assert grouped_writer(babel_writer("en", "#,##0.###"), 2) is None  # trailing zeros dropped
    assert grouped_writer(babel_writer("en", "#,##0%"), 0) is None  # a percentage is multiplied
    assert grouped_writer(babel_writer("de_DE", "#,##0.00"), 2)(Decimal("1234.50")) == "1.234,50"  # other marks


def test_only_ordinary_amounts_are_writable():
    assert writable(Decimal("12.30")) == 2 and writable(Decimal("7")) == 0
    for value in ("-1", "-0", "NaN", "Infinity", "1E+3", "1E+18"):
        assert writable(Decimal(value)) is None, value


def test_a_day_with_a_daylight_saving_switch_is_left_to_pytz():
    berlin = zone_days(pytz.timezone("Europe/Berlin"))
    assert berlin.wall_clock(datetime(2026, 3, 28, 23, 30)) == datetime(2026, 3, 29, 0, 30)  # winter time
    assert berlin.wall_clock(datetime(2026, 3, 29, 0, 30)) is None  # clocks go forward at 01:00 UTC that day
    assert berlin.wall_clock(datetime(2026, 3, 30, 0, 30)) == datetime(2026, 3, 30, 0, 30) + timedelta(hours=2)
