"""The customer list's search: prefix matches on the normalised columns, so that an index answers it (issue 5).

What a user types is normalised as the stored values are (services/normalise.py): a name to its key (lower case,
no spaces, punctuation or company suffix), a phone to its digits, an e-mail to lower case. A customer matches when
one of its values starts with what was typed: "星河" finds 星河科技有限公司, "138 0013" finds 13800138000.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import and_, false, or_

from plugins.crm.models import Customer
from plugins.crm.services import normalise

#: Fewer digits than this are not taken for a phone number (they would match a large share of all phones).
MIN_PHONE_DIGITS = 3
_LIKE_SPECIALS = str.maketrans({"\\": "\\\\", "%": "\\%", "_": "\\_"})
_PHONE_LIKE = re.compile(r"[\d\s()+-]+")


def starts_with(column: Any, prefix: str, dialect: str) -> Any:
    """``column`` starts with ``prefix``, in a form the column's index serves.

    PostgreSQL: LIKE 'prefix%' on a text_pattern_ops index (any database collation). SQLite: the range
    [prefix, prefix with its last character incremented), which its binary-collated index serves (SQLite's LIKE is
    case-insensitive and cannot use a plain index)."""
    if dialect == "postgresql" or ord(prefix[-1]) >= 0x10FFFF:
        return column.like(prefix.translate(_LIKE_SPECIALS) + "%", escape="\\")
    return and_(column >= prefix, column < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def customer_search(text: str, dialect: str) -> Any:
    """The condition for the list's search box: name, phone or e-mail starting with ``text``."""
    conditions = []
    key = normalise.name_key(text)
    if key:
        conditions.append(starts_with(Customer.name_key, key, dialect))
    digits = normalise.phone(text)
    if digits and len(digits) >= MIN_PHONE_DIGITS and _PHONE_LIKE.fullmatch(text):
        conditions.append(starts_with(Customer.phone, digits, dialect))
    email = normalise.email(text)
    if email and " " not in email:
        conditions.append(starts_with(Customer.email, email, dialect))
    return or_(*conditions) if conditions else false()
