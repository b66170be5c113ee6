"""The compiled formats behind the money / number / percent / date / datetime filters (core/web/locale.py) write
exactly what flask_babel's format_* functions (babel's, with the request's locale and company zone) write."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

import flask_babel
import pytest
import pytz
from flask import render_template_string
from flask_babel import force_locale, get_babel

from core.web import locale as formatting

LOCALES = ("zh_Hans", "en")


def _amounts() -> list[Decimal]:
    fixed = ["0", "-0", "0.004", "-0.004", "0.005", "0.015", "-0.015", "0.5", "-1", "1", "999.995", "1000",
             "-1234.5", "1234567.891", "-1234567.891", "1E+3", "1.5E-7", "123456789012345678.12",
             "-98765432109876543.999", "1.23456789012345678901234", "0.000000000001", "100", "7", "-7.77777"]
    rng = random.Random(5)
    drawn = [Decimal(rng.randint(-10**12, 10**12)).scaleb(-rng.randint(0, 12)) for _ in range(600)]
    return [Decimal(text) for text in fixed] + drawn


def _moments() -> list[datetime]:
    start = datetime(2025, 12, 30, 20, 0)  # naive UTC as stored; every 397 minutes across both DST changes
    naive = [start + timedelta(minutes=397 * step, seconds=step % 60) for step in range(400)]
    around_dst = [datetime(2026, 3, 29, 0, 59), datetime(2026, 3, 29, 1, 0), datetime(2026, 10, 25, 0, 59),
                  datetime(2026, 10, 25, 1, 0), datetime(2026, 10, 25, 1, 30)]
    aware = [datetime(2026, 7, 1, 23, 45, tzinfo=timezone(timedelta(hours=-5))),
             datetime(2026, 1, 1, 0, 0, tzinfo=UTC),
             pytz.timezone("America/New_York").localize(datetime(2026, 3, 8, 3, 30)),
             datetime(2026, 12, 31, 16, 0, 0, 999999)]
    return naive + around_dst + aware


@pytest.fixture(params=["Asia/Shanghai", "Asia/Kolkata", "Europe/Berlin"])
def zone(request, app, monkeypatch):
    """No DST (Shanghai), a half-hour offset (Kolkata), and a zone with DST (Berlin)."""
    monkeypatch.setattr(get_babel(app), "timezone_selector", lambda: request.param)
    return request.param


def _unsigned_zero(value: Decimal, places: int | None) -> Decimal:
    """What rounds to zero at the shown places is shown as zero, without babel's minus sign (issue 11 F4)."""
    if places is None:
        return abs(value) if value == 0 else value
    return abs(value) if value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) == 0 else value


@pytest.mark.parametrize("locale", LOCALES)
def test_money_numbers_and_percentages_match_babel(app, locale):
    values = _amounts()
    with app.test_request_context(), force_locale(locale):
        for currency in ("CNY", "USD", "JPY", "EUR"):
            assert [formatting.money(v, currency) for v in values] == \
                   [flask_babel.format_currency(_unsigned_zero(v, 2), currency) for v in values]
        assert [formatting.money(v) for v in values] == \
               [flask_babel.format_currency(_unsigned_zero(v, 2), "CNY") for v in values]
        assert [formatting.number(v) for v in values] == \
               [flask_babel.format_decimal(_unsigned_zero(v, None)) for v in values]
        for digits in (0, 1, 2, 4):
            pattern = "#,##0" + ("." + "0" * digits if digits else "")
            assert [formatting.number(v, digits) for v in values] == \
                   [flask_babel.format_decimal(_unsigned_zero(v, digits), format=pattern) for v in values]
            assert [formatting.percent(v, digits) for v in values] == \
                   [flask_babel.format_percent(_unsigned_zero(v, digits + 2), format=pattern + "%") for v in values]


@pytest.mark.parametrize("locale", LOCALES)
def test_any_stored_value_is_shown_without_raising(app, locale):
    # A target of 40 nines was stored as 1e40 on SQLite and the targets page raised InvalidOperation (issue 11 F4).
    with app.test_request_context(), force_locale(locale):
        for text in ("9" * 40, "1E+40", "1E+308", "-1E+40", "1E+400", "123456789012345678901234567890.55"):
            for shown in (formatting.money(text), formatting.number(text, 2), formatting.percent(text),
                          formatting.money(Decimal(text)), formatting.number(text)):
                assert shown and "E" not in shown[:1]
        assert "999,999,999,999,999,999,999,999,999,999,999,999,999" in formatting.number("9" * 40, 2)
        for odd in (Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"), "nan"):
            assert formatting.money(odd) == formatting.number(odd, 2) == formatting.percent(odd) == "—"
        assert formatting.money(Decimal("-0.00")) == formatting.money(0)
        assert formatting.money(Decimal("-0.001")) == formatting.money(0)
        assert formatting.percent(Decimal("-0.00001")) == formatting.percent(0)


@pytest.mark.parametrize("locale", LOCALES)
def test_other_inputs_are_converted_as_before(app, locale):
    with app.test_request_context(), force_locale(locale):
        for value in (1234, -5, 12.5, "12.5", "-0.5"):
            amount = Decimal(str(value))
            assert formatting.money(value) == flask_babel.format_currency(amount, "CNY")
            assert formatting.number(value, 2) == flask_babel.format_decimal(amount, format="#,##0.00")
            assert formatting.percent(value) == flask_babel.format_percent(amount, format="#,##0%")
        for empty in (None, "", "abc"):
            assert formatting.money(empty) == formatting.number(empty) == formatting.percent(empty) == ""


@pytest.mark.parametrize("locale", LOCALES)
def test_dates_and_times_match_babel_in_the_company_zone(app, locale, zone):
    moments = _moments()
    days = sorted({moment.date() for moment in moments})
    with app.test_request_context(), force_locale(locale):
        assert str(flask_babel.get_timezone()) == zone
        for format in ("short", "medium", "long", "full", "yyyy-MM-dd HH:mm:ss zzzz", "yyyy-MM-dd EEEE"):
            assert [formatting.datetime_filter(m, format) for m in moments] == \
                   [flask_babel.format_datetime(m, format) for m in moments]
        for format in ("short", "medium", "long", "full", "yyyy-MM-dd EEEE"):
            assert [formatting.date_filter(m, format) for m in moments] == \
                   [flask_babel.format_date(m, format) for m in moments]
            assert [formatting.date_filter(d, format) for d in days] == \
                   [flask_babel.format_date(d, format) for d in days]
            assert [formatting.datetime_filter(d, format) for d in days] == \
                   [flask_babel.format_date(d, format) for d in days]
        assert formatting.datetime_filter(moments[0]) == flask_babel.format_datetime(moments[0], "medium")
        assert formatting.datetime_filter(None) == formatting.date_filter("") == ""
        assert formatting.datetime_filter("soon") == formatting.date_filter("soon") == "soon"


def test_a_stored_time_lands_on_the_local_day_in_each_zone(app, zone):
    late = datetime(2026, 7, 1, 22, 30)  # naive UTC
    expected = {"Asia/Shanghai": "2026-07-02 06:30", "Asia/Kolkata": "2026-07-02 04:00",
                "Europe/Berlin": "2026-07-02 00:30"}[zone]
    with app.test_request_context():
        assert render_template_string("{{ v|datetime('yyyy-MM-dd HH:mm') }}", v=late) == expected


def test_each_locale_in_one_request_gets_its_own_formats(app):
    """A forced locale (an e-mail in the recipient's language) inside a page, and back."""
    stored = datetime(2026, 3, 1, 16, 30)
    with app.test_request_context(), force_locale("zh_Hans"):
        assert formatting.money(Decimal("-1234.5")) == "-¥1,234.50"
        assert formatting.datetime_filter(stored, "short") == "2026/3/2 00:30"
        with force_locale("en"):
            assert formatting.money(Decimal("-1234.5")) == "-CN¥1,234.50"
            assert formatting.datetime_filter(stored, "short") == "3/2/26, 12:30\u202fAM"
        assert formatting.money(Decimal("-1234.5")) == "-¥1,234.50"
        assert formatting.date_filter(stored, "long") == "2026年3月2日"


def test_a_renamed_babel_format_is_followed(app, monkeypatch):
    """Babel(date_formats=...) may map "short" to a pattern of its own, as flask_babel's functions read it."""
    formats = dict(get_babel(app).instance.date_formats)
    formats["datetime.short"] = "yyyy-MM-dd HH:mm"
    monkeypatch.setattr(get_babel(app).instance, "date_formats", formats)
    with app.test_request_context(), force_locale("en"):
        assert formatting.datetime_filter(datetime(2026, 3, 1, 16, 30), "short") == "2026-03-02 00:30"


def test_outside_a_request_the_filters_still_format(app):
    with app.app_context(), force_locale("en"):
        assert formatting.money(Decimal("5")) == flask_babel.format_currency(Decimal("5"), "CNY")


@pytest.mark.parametrize("locale", LOCALES)
def test_a_pages_formats_write_what_the_filters_write(app, locale, zone):
    # core.web.locale.page_formats: for rows drawn in Python, the filters' text with one look-up a page (issue 18).
    amounts, moments = _amounts(), _moments()
    with app.test_request_context(), force_locale(locale):
        formats = formatting.page_formats()
        assert [formats.money(v) for v in amounts] == [formatting.money(v) for v in amounts]
        # Amounts as a Numeric(…, 2) column returns them take the writer directly: the same text.
        cents = [v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for v in amounts if abs(v) < 10**17]
        cents += [Decimal(text) for text in ("0.00", "-0.00", "0.01", "999999999999999999.99",
                                             "1000000000000000000.00", "-1000000000000000000.00")]
        assert [formats.money(v) for v in cents] == [formatting.money(v) for v in cents]
        for odd in (None, "", "abc", 12.5, "-0.5", Decimal("NaN"), "1E+40"):
            assert formats.money(odd) == formatting.money(odd)
        for format in ("short", "medium", "yyyy-MM-dd HH:mm:ss zzzz"):
            assert [formats.datetime(m, format) for m in moments] == \
                   [formatting.datetime_filter(m, format) for m in moments]
        assert formats.datetime(None) == formats.datetime("") == ""
        assert formats.datetime(moments[0].date(), "short") == formatting.datetime_filter(moments[0].date(), "short")


def test_a_pages_formats_outside_a_request_still_format(app):
    formats = formatting.page_formats()
    assert formats.money(Decimal("1234.5")) == formatting.money(Decimal("1234.5"))
    assert formats.datetime(datetime(2026, 1, 2, 3, 4)) == formatting.datetime_filter(datetime(2026, 1, 2, 3, 4))
