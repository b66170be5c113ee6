"""The language switch (POST /locale) and the template filters that format numbers, money and dates.

A signed-in user's choice is saved on the user (User.locale), so it follows them to any browser; before signing in
it is kept in the session. With no choice yet, core/i18n.py follows the browser's languages, then Chinese.
Formatting follows the locale of the request and shows times in the company time zone (stored naive UTC).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, getcontext, localcontext
from functools import lru_cache
from typing import Any

import flask_babel
from babel import Locale
from babel.dates import DateTimePattern, get_date_format, get_datetime_format, get_time_format
from babel.dates import parse_pattern as parse_date_pattern
from babel.numbers import (
    NumberPattern,
)
from babel.numbers import parse_pattern as parse_number_pattern
from flask import Blueprint, Flask, abort, current_app, g, has_app_context, redirect, request, session
from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    format_time,
    get_babel,
)
from flask_login import current_user

from core.extensions import db
from core.i18n import LOCALE_SESSION_KEY
from core.security import public
from core.web.fast_text import LARGEST, grouped_writer, writable, zone_days

bp = Blueprint("core_locale", __name__)

#: How each locale names itself in the switch: a reader who does not know the current language still finds theirs.
LANGUAGE_NAMES = {"zh_Hans": "简体中文", "en": "English"}


@bp.post("/locale")
@public
def switch_locale():  # type: ignore[no-untyped-def]
    """Save the chosen language and go back to the page the switch was on (CSRF-protected like every POST)."""
    from core.auth.redirects import safe_next

    chosen = request.form.get("locale", "")
    if chosen not in current_app.config["LOCALES"]:
        abort(400)
    session[LOCALE_SESSION_KEY] = chosen  # kept after sign-out too
    if current_user.is_authenticated and current_user.locale != chosen:
        current_user.locale = chosen
        db.session.commit()
    return redirect(safe_next(request.form.get("next")))


def language_choices() -> list[tuple[str, str]]:
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in current_app.config["LOCALES"]]


# ------------------------------------------------------------------------------------------------ formatting
#
# List pages call these filters on every row (a board of 72 amounts, a queue of 500 claims). flask_babel's
# format_* functions look up the locale, its CLDR patterns, the currency symbol and the number symbols again on
# each call; here those are compiled once per (locale, kind, format) for the process and picked per request, and
# the per-value work is what babel itself does with them (same text, byte for byte: tests/core/web/test_formats.py).


_UNKNOWN: Any = object()


class _NumberFormat:
    """A babel NumberPattern of one locale (and currency), looked up once: ``fmt(Decimal("-1234.5"))`` →
    ``-¥1,234.50``, by babel's own ``NumberPattern.apply`` with the arguments flask_babel's format_* pass."""

    def __init__(self, locale: Locale, pattern: NumberPattern, currency: str | None = None) -> None:
        self.locale, self.pattern, self.currency = locale, pattern, currency
        #: Per number of decimals, Python's own grouping where it writes what babel writes (core/web/fast_text.py).
        self.writers: dict[int, Callable[[Decimal], str] | None] = {}

    def __call__(self, value: Decimal) -> str:
        places = writable(value) if type(value) is Decimal else None
        if places is not None:
            writer = self.writer(places)
            if writer is not None:
                return writer(value)
        return self.babel(value)

    def writer(self, places: int) -> Callable[[Decimal], str] | None:
        """The grouped writer of values with ``places`` decimals (fast_text.writable), or None: babel writes them."""
        writer = self.writers.get(places, _UNKNOWN)
        if writer is _UNKNOWN:
            writer = self.writers[places] = grouped_writer(self.babel, places)
        return writer

    def babel(self, value: Decimal) -> str:
        return self.pattern.apply(value, self.locale, currency=self.currency, currency_digits=True,
                                  decimal_quantization=True, group_separator=True, numbering_system="latn")


@lru_cache(maxsize=256)
def _number_format(locale_name: str, kind: str, format: str | None) -> _NumberFormat:
    """Compiled once per process: ``kind`` is ``currency`` (``format`` = the currency code), ``decimal`` or
    ``percent`` (``format`` = a pattern, or None for the locale's own)."""
    locale = Locale.parse(locale_name)
    if kind == "currency":
        return _NumberFormat(locale, locale.currency_formats["standard"], currency=format)
    if format is None:
        format = locale.decimal_formats[None] if kind == "decimal" else locale.percent_formats[None]
    return _NumberFormat(locale, parse_number_pattern(format))


#: Day texts kept per date format (a list shows a few days; a year of them is 365).
MAX_CACHED_DAYS = 4096


class _DateFormat:
    """A date or datetime format (``kind``) of one locale, patterns parsed: what babel.dates.format_date and
    format_datetime do per call after their look-ups. The value is moved to the company zone by the caller."""

    def __init__(self, locale: Locale, kind: str, format: str) -> None:
        self.locale = locale
        self.named = format in ("full", "long", "medium", "short")
        if not self.named:
            self.pattern = parse_date_pattern(format)
        elif kind == "date":
            self.pattern = parse_date_pattern(get_date_format(format, locale=locale))
        else:
            self.date = parse_date_pattern(get_date_format(format, locale=locale))
            self.time = parse_date_pattern(get_time_format(format, locale=locale))
            self.combined = str(get_datetime_format(format, locale=locale)).replace("'", "")
        #: The time's text depends on the hour, minute and second alone (no zone name, no fraction): written from
        #: the wall-clock time and kept per time of day (wall_text).
        self.zone_free = self.named and kind == "datetime" and _fields(self.time.pattern) <= _TIME_OF_DAY_FIELDS
        # A day's text depends on the day alone (and this locale and pattern): rows of a list share a few days.
        self.days: dict[date, str] = {}
        self.times: dict[tuple[int, int, int], str] = {}

    def _day(self, pattern: DateTimePattern, day: date) -> str:
        text = self.days.get(day)
        if text is None:
            if len(self.days) >= MAX_CACHED_DAYS:
                self.days.clear()
            text = self.days[day] = pattern.apply(day, self.locale)
        return text

    def date_text(self, day: date) -> str:
        return self._day(self.pattern, day)

    def datetime_text(self, moment: datetime) -> str:
        if not self.named:
            return self.pattern.apply(moment, self.locale)
        time_text = self.time.apply(moment.timetz(), self.locale, reference_date=moment.date())
        return self.combined.replace("{0}", time_text).replace("{1}", self._day(self.date, moment.date()))

    def wall_text(self, wall: datetime) -> str:
        """datetime_text of a naive wall-clock time, for a zone_free format."""
        key = (wall.hour, wall.minute, wall.second)
        time_text = self.times.get(key)
        if time_text is None:
            if len(self.times) >= MAX_CACHED_DAYS:
                self.times.clear()
            time_text = self.times[key] = self.time.apply(wall.time().replace(microsecond=0), self.locale,
                                                          reference_date=wall.date())
        return self.combined.replace("{0}", time_text).replace("{1}", self._day(self.date, wall.date()))


#: Pattern letters whose text depends on the time of day alone: hours, minutes, seconds and the day period.
_TIME_OF_DAY_FIELDS = frozenset("HhKkmsaBb")


def _fields(pattern: str) -> set[str]:
    """The field letters of a CLDR date/time pattern (outside its quoted literals)."""
    return {c for c in re.sub(r"'[^']*'", "", pattern) if c.isascii() and c.isalpha()}


@lru_cache(maxsize=256)
def _date_format(locale_name: str, kind: str, format: str) -> _DateFormat:
    return _DateFormat(Locale.parse(locale_name), kind, format)


class _RequestFormats:
    """The request's locale and company time zone, and the formats it used: kept on flask_babel's request context
    (like its locale), so a page resolves each once. A forced locale (flask_babel.force_locale) or refresh() is
    another Locale / zone object and gets its own."""

    def __init__(self, locale: Locale, zone: tzinfo, currency: str) -> None:
        self.locale, self.zone, self.currency = locale, zone, currency
        self.zone_days = zone_days(zone)
        self.locale_name = str(locale)
        self.formats: dict[tuple[str, str | None], Any] = {}

    def number(self, kind: str, format: str | None) -> _NumberFormat:
        found = self.formats.get((kind, format))
        if found is None:
            found = self.formats[(kind, format)] = _number_format(self.locale_name, kind, format)
        return found

    def date(self, kind: str, format: str | None) -> _DateFormat:
        found = self.formats.get((kind, format))
        if found is None:
            # flask_babel's date_formats mapping (Babel(date_formats=...)) may rename "short" etc., as _get_format.
            formats = get_babel().instance.date_formats
            resolved = formats[kind] if format is None else format
            if resolved in ("full", "long", "medium", "short"):
                resolved = formats[f"{kind}.{resolved}"] or resolved
            found = self.formats[(kind, format)] = _date_format(self.locale_name, kind, resolved)
        return found

    def local(self, value: datetime) -> datetime:
        """A stored (naive UTC) or aware datetime in the company zone, as babel and flask_babel move it (their
        pytz ``normalize`` after ``astimezone`` gives the same datetime again, so it is not repeated here)."""
        return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).astimezone(self.zone)


def _request_formats() -> _RequestFormats | None:
    """This request's formats; None outside an application context (flask_babel's functions then apply)."""
    if not has_app_context():
        return None
    context = g.get("_flask_babel")  # one context-local look-up: a filter may run thousands of times a page
    known = getattr(context, "netsales_formats", None)
    if (known is not None and known.locale is getattr(context, "babel_locale", None)
            and known.zone is getattr(context, "babel_tzinfo", None)):
        return known
    locale = flask_babel.get_locale()  # resolves and keeps them on g._flask_babel
    zone = flask_babel.get_timezone()
    context = g.get("_flask_babel")
    if locale is None or zone is None or context is None:
        return None
    known = context.netsales_formats = _RequestFormats(locale, zone, current_app.config.get("CURRENCY", "CNY"))
    return known


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


#: Shown for a stored NaN or Infinity (a value no input accepts now, but an old row or a hand-edited one may hold).
NOT_A_NUMBER = "—"


def _shown(amount: Decimal, places: int | None, draw: Any) -> str:
    """``draw(amount)`` for any Decimal, never raising (issue 11 F4): babel rounds in the default 28-digit context,
    where a stored 1e40 raised decimal.InvalidOperation and broke the page. -0 and amounts that round to zero
    show as zero, without a minus sign."""
    if not amount.is_finite():
        return NOT_A_NUMBER
    adjusted = amount.adjusted()
    if adjusted > 60:
        return f"{amount:.6E}"  # beyond any column: shown, not spelled out in 60 digits
    if adjusted + 20 <= getcontext().prec:  # wide enough already (any ordinary amount): no local context to set up
        return _rounded_and_drawn(amount, places, draw)
    with localcontext() as context:
        context.prec = adjusted + 20
        return _rounded_and_drawn(amount, places, draw)


def _rounded_and_drawn(amount: Decimal, places: int | None, draw: Any) -> str:
    shown = amount if places is None else amount.quantize(_step(places), rounding=ROUND_HALF_UP)
    if shown == 0:
        amount = abs(shown)  # babel would write -0.004 as "-0.00"
    return draw(amount)


@lru_cache(maxsize=64)
def _step(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def money(value: Any, currency: str | None = None) -> str:
    """``1234.5`` → ``¥1,234.50`` (zh_Hans) / ``CN¥1,234.50`` (en); empty for None. Exact: Decimal, never float."""
    amount = _decimal(value)
    if amount is None:
        return ""
    formats = _request_formats()
    if formats is None:
        code = currency or current_app.config.get("CURRENCY", "CNY")
        return _shown(amount, 2, lambda a: format_currency(a, code))
    return _shown(amount, 2, formats.number("currency", currency or formats.currency))


def _digits_pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


def number(value: Any, digits: int | None = None) -> str:
    """A number with the locale's grouping; ``digits`` fixes the decimals (``number(3.14159, 2)`` → ``3.14``)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    pattern = None if digits is None else _digits_pattern(digits)
    formats = _request_formats()
    if formats is None:
        return _shown(amount, digits, lambda a: format_decimal(a, format=pattern))
    return _shown(amount, digits, formats.number("decimal", pattern))


def percent(value: Any, digits: int = 0) -> str:
    """A ratio as a percentage: ``0.925`` → ``93%`` (``digits=1``: ``92.5%``)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    pattern = _digits_pattern(digits) + "%"
    formats = _request_formats()
    if formats is None:
        return _shown(amount, digits + 2, lambda a: format_percent(a, format=pattern))
    return _shown(amount, digits + 2, formats.number("percent", pattern))


def plain(value: Any) -> str:
    """A Decimal as machine-readable text for a CSV cell or a form input: no grouping, no exponent for any amount a
    column holds (``Decimal("1E+1")`` → ``10``, ``Decimal("10.50")`` → ``10.50``); empty for None; NaN, Infinity
    and a stray 1E+40 as stored (a spreadsheet reads them as they are)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return f"{amount:f}" if amount.is_finite() and amount.adjusted() < 28 else str(amount)


def date_filter(value: Any, format: str = "medium") -> str:
    """A date; a (UTC) datetime is first moved to the company time zone, so late evening stays on its day."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime | date):
        return str(value)
    formats = _request_formats()
    if formats is None:
        return format_date(value, format)
    day = value
    if isinstance(value, datetime):
        wall = formats.zone_days.wall_clock(value) if value.tzinfo is None else None
        day = (formats.local(value) if wall is None else wall).date()
    return formats.date("date", format).date_text(day)


def datetime_filter(value: Any, format: str = "medium") -> str:
    """A stored (naive UTC) datetime shown in the company time zone, e.g. 2026年3月1日 08:00:00."""
    if value is None or value == "":
        return ""
    if not isinstance(value, date):
        return str(value)
    formats = _request_formats()
    if formats is None:
        return format_datetime(value, format) if isinstance(value, datetime) else format_date(value, format)
    if isinstance(value, datetime):
        shown = formats.date("datetime", format)
        if shown.zone_free and value.tzinfo is None:  # a stored moment: the zone's offset that day, no pytz
            wall = formats.zone_days.wall_clock(value)
            if wall is not None:
                return shown.wall_text(wall)
        return shown.datetime_text(formats.local(value))
    return formats.date("date", format).date_text(value)


class PageFormats:
    """``money()`` and ``datetime_filter()`` for a page that draws hundreds of values in Python (a queue's rows):
    the same text, with the request's formats looked up once for the page instead of once per value. Get one with
    page_formats() where the rows are drawn, not at import (it belongs to one request)."""

    __slots__ = ("_formats", "_money", "_cents", "_datetimes")

    def __init__(self, formats: _RequestFormats | None) -> None:
        self._formats = formats
        self._money = None if formats is None else formats.number("currency", formats.currency)
        #: The grouped writer of amounts stored with two decimals (a Numeric(…, 2) column's every value), if the
        #: currency's format has one (core/web/fast_text.py): such an amount needs no rounding, so it goes to it
        #: directly, without the general path's checks (a queue of 500 claims: 1.5 → 0.7 ms).
        self._cents = None if self._money is None else self._money.writer(2)
        self._datetimes: dict[str, _DateFormat] = {}

    def money(self, value: Any) -> str:
        """As ``money(value)``, in the company currency."""
        cents = self._cents
        if (cents is not None and type(value) is Decimal and value.is_finite() and not value.is_signed()
                and value < LARGEST and value.as_tuple().exponent == -2):
            return cents(value)
        if self._money is None:
            return money(value)
        amount = _decimal(value)
        return "" if amount is None else _shown(amount, 2, self._money)

    def datetime(self, value: Any, format: str = "medium") -> str:
        """As ``datetime_filter(value, format)``."""
        formats = self._formats
        if formats is None or not isinstance(value, datetime) or value.tzinfo is not None:
            return datetime_filter(value, format)
        shown = self._datetimes.get(format)
        if shown is None:
            shown = self._datetimes[format] = formats.date("datetime", format)
        if shown.zone_free:  # a stored moment: the zone's offset that day, no pytz (as datetime_filter)
            wall = formats.zone_days.wall_clock(value)
            if wall is not None:
                return shown.wall_text(wall)
        return shown.datetime_text(formats.local(value))


def page_formats() -> PageFormats:
    """This request's PageFormats (see there)."""
    return PageFormats(_request_formats())


def time_filter(value: Any, format: str = "short") -> str:
    if value is None or value == "":
        return ""
    return format_time(value, format)


FILTERS = {
    "money": money,
    "number": number,
    "percent": percent,
    "date": date_filter,
    "datetime": datetime_filter,
    "time": time_filter,
}


def register(app: Flask) -> None:
    """The /locale route, the formatting filters, and ``language_choices()`` for the layout's switch."""
    app.register_blueprint(bp)
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals["language_choices"] = language_choices
