"""What the list pages repeat on every row, resolved once per page (issue 7 "Performance").

The core's ``datetime`` filter looks up the locale, the company time zone and the locale's patterns again for each
value; on a queue of 100 or 500 claims that was most of the page's own time. :class:`DateTimeFormat` does those
look-ups once and gives the same text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from babel.dates import get_date_format, get_datetime_format, get_time_format, parse_pattern
from flask import url_for
from flask_babel import get_locale, get_timezone

from plugins.expenses import services
from plugins.expenses.models import CLAIM_STATES


class DateTimeFormat:
    """``DateTimeFormat("short")(claim.created_at)``: a stored (naive UTC) datetime in the company time zone and the
    user's locale, exactly as ``|datetime("short")`` writes it."""

    def __init__(self, format: str = "short") -> None:
        self._locale = get_locale()
        self._zone = get_timezone()
        self._date = parse_pattern(get_date_format(format, locale=self._locale))
        self._time = parse_pattern(get_time_format(format, locale=self._locale))
        self._combined = str(get_datetime_format(format, locale=self._locale)).replace("'", "")

    def __call__(self, value: datetime | None) -> str:
        if value is None:
            return ""
        moment = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(self._zone)
        return (self._combined.replace("{0}", self._time.apply(moment, self._locale, reference_date=moment.date()))
                .replace("{1}", self._date.apply(moment, self._locale)))


def claim_rows() -> dict[str, Any]:
    """Template values for a page of claim rows: the date format, the state labels and the link prefix of a claim
    (``claim_href ~ claim.id``; url_for per row costs as much as the rest of the row)."""
    return {
        "when": DateTimeFormat("short"),
        "state_labels": {state: services.state_label(state) for state in CLAIM_STATES},
        "claim_href": url_for("expenses.claim_detail", claim_id=0)[:-1],
    }


def budget_rows() -> dict[str, Any]:
    """Template values for a page of budget lines: the link prefix of a line (``budget_href ~ id ~ "/edit"``, and
    ``"/approve"`` or ``"/reopen"``: both routes start with /budgets/<id>/)."""
    return {"budget_href": url_for("expenses.budget_edit", budget_id=0)[:-len("0/edit")]}
