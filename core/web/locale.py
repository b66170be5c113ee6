"""The language switch (POST /locale) and the template filters that format numbers, money and dates.

A signed-in user's choice is saved on the user (User.locale), so it follows them to any browser; before signing in
it is kept in the session. With no choice yet, core/i18n.py follows the browser's languages, then Chinese.
Formatting follows the locale of the request and shows times in the company time zone (stored naive UTC).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, Flask, abort, current_app, redirect, request, session
from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    format_time,
)
from flask_login import current_user

from core.extensions import db
from core.i18n import LOCALE_SESSION_KEY
from core.security import public

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


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def money(value: Any, currency: str | None = None) -> str:
    """``1234.5`` → ``¥1,234.50`` (zh_Hans) / ``CN¥1,234.50`` (en); empty for None. Exact: Decimal, never float."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return format_currency(amount, currency or current_app.config.get("CURRENCY", "CNY"))


def number(value: Any, digits: int | None = None) -> str:
    """A number with the locale's grouping; ``digits`` fixes the decimals (``number(3.14159, 2)`` → ``3.14``)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    if digits is None:
        return format_decimal(amount)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(amount, format=pattern)


def percent(value: Any, digits: int = 0) -> str:
    """A ratio as a percentage: ``0.925`` → ``93%`` (``digits=1``: ``92.5%``)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    return format_percent(amount, format=pattern)


def date_filter(value: Any, format: str = "medium") -> str:
    """A date; a (UTC) datetime is first moved to the company time zone, so late evening stays on its day."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime | date):
        return format_date(value, format)
    return str(value)


def datetime_filter(value: Any, format: str = "medium") -> str:
    """A stored (naive UTC) datetime shown in the company time zone, e.g. 2026年3月1日 08:00:00."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, format)
    if isinstance(value, date):
        return format_date(value, format)
    return str(value)


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
