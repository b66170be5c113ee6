"""Amounts of a page of rows, as the core's money() writes them, at a fraction of its cost (issue 18).

money() runs babel's NumberPattern.apply for every value (symbols, currency name and plural look-ups each time):
on the finance queue's 500 rows that was half of the rows' Python. Here the request's money() is asked once how it
writes a few sample amounts; when those are the plain "prefix, digits grouped by three, decimal mark, two
decimals, suffix" shape (¥1,234.50 in Chinese, CN¥1,234.50 in English), an ordinary amount (finite, not negative,
under 10^18) is written with Python's own grouping and the sampled marks, rounded half to even as babel rounds.
Anything else (a negative or -0, NaN, a huge value, a non-Decimal, a locale whose samples have another shape)
goes to money() itself. The samples are read once per locale, currency and process.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import flask_babel
from flask import current_app, has_request_context

from core.web.locale import money

CENT = Decimal("0.01")
_UNKNOWN: Any = object()
#: Beyond this the amount goes to money(): its rounding context is widened for long numbers, ours is not.
LARGEST = Decimal("1E18")
#: The sample whose text shows the locale's prefix, group mark, decimal mark and suffix.
_SHAPE = re.compile(r"(\D*)1(\D+)234(\D+)567(\D+)89(\D*)")
#: Amounts that check the sampled shape: grouping, no group under a thousand, zero, and the rounding (babel's: half
#: to even, 0.005 → 0.00, 0.015 → 0.02).
_CHECKS = ("0", "0.005", "0.015", "0.025", "0.5", "7", "999.994", "999.995", "1000", "12345678901.235", "100000")


def amount_text() -> Callable[[Any], str]:
    """A function that writes an amount exactly as ``"—" if value is None else money(value)`` does for this
    request's locale and currency. The samples are read once per locale, currency and process (catalogues and
    CLDR data never change while a process runs)."""
    if not has_request_context():
        return _slow
    shapes: dict[tuple[str, str], tuple[str, str, str, str] | None] = current_app.extensions["netsales"].memo(
        "expenses.amount_shapes", None, dict)
    key = (str(flask_babel.get_locale()), current_app.config.get("CURRENCY", "CNY"))
    shape = shapes.get(key, _UNKNOWN)
    if shape is _UNKNOWN:
        shape = shapes[key] = _shape()
    return _slow if shape is None else _writer(*shape)


def _shape() -> tuple[str, str, str, str] | None:
    """(prefix, group mark, decimal mark, suffix) of the request's money(), or None if it writes amounts in
    another shape than ``_writer`` does."""
    match = _SHAPE.fullmatch(money(Decimal("1234567.89")))
    if match is None or match[2] != match[3]:
        return None
    shape = (match[1], match[2], match[4], match[5])
    fast = _writer(*shape)
    if any(fast(Decimal(check)) != money(Decimal(check)) for check in _CHECKS):
        return None
    return shape


def _writer(prefix: str, group: str, point: str, suffix: str) -> Callable[[Any], str]:
    marks = str.maketrans({",": group, ".": point})

    def fast(value: Any) -> str:
        if value is None:
            return "—"
        if type(value) is not Decimal or not value.is_finite() or value.is_signed() or value >= LARGEST:
            return money(value)
        return prefix + f"{value.quantize(CENT, ROUND_HALF_EVEN):,.2f}".translate(marks) + suffix

    return fast


def _slow(value: Any) -> str:
    return "—" if value is None else money(value)
