"""Whole numbers typed into a form or a query string: ids, versions, page numbers, years.

``str.isdigit()`` is not a check for them: it accepts "²" and "١٢", which ``int()`` refuses or reads as another
number, and any number of digits, which the database driver refuses (an INTEGER/BIGINT holds 8 bytes). Either way
the page answered 500. These helpers answer None instead, so the view can say "not found" or "invalid".
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms.validators import NumberRange

#: The largest value every id, version, year or count column holds on every database: they are INTEGER, which is
#: 4 bytes on PostgreSQL (8 on SQLite). A larger id made PostgreSQL refuse the look-up itself (a DataError: 500 on a
#: page, 400 in the API) where it should be "not found" (issue 11 F6, F7).
MAX_DB_INTEGER = 2**31 - 1


def whole_number(raw: Any, minimum: int = 0, maximum: int = MAX_DB_INTEGER) -> int | None:
    """``raw`` as an int within minimum..maximum when it is written in ASCII digits alone, else None."""
    text = raw.strip() if isinstance(raw, str) else "" if raw is None else str(raw)
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def record_id(raw: Any) -> int | None:
    """A database id (1 or more) from a form or a query string, or None."""
    return whole_number(raw, minimum=1)


def record_id_field() -> NumberRange:
    """The validator of an IntegerField holding a record's number: a number the database can hold."""
    return NumberRange(min=1, max=MAX_DB_INTEGER, message=_l("Enter a valid number."))
