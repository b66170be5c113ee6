"""The core services this plugin uses, in one place: settings, notifications, the company calendar.

Services that a core release may not offer yet are looked up when called, so the plugin keeps working (with the
setting's declared default, or without in-app notifications) on a core that lacks them.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app

log = logging.getLogger(__name__)

#: key -> default; the SettingDef records in hooks.py declare the same keys with labels.
SETTING_DEFAULTS: dict[str, Any] = {
    "expenses.amount_ceiling": Decimal("50000.00"),
    "expenses.receipt_max_kb": 10240,
    "expenses.reminder_days": 3,
    "expenses.default_policy": "warn",
}


def setting(key: str) -> Any:
    """A plugin setting: the value saved on the settings page, else the default declared above."""
    default = SETTING_DEFAULTS[key]
    value = None
    try:
        from core.settings import get_setting
    except ImportError:
        get_setting = None
    if get_setting is not None:
        try:
            value = get_setting(key)
        except KeyError:  # not declared while the plugin is disabled
            value = None
    if value is None or value == "":
        return default
    try:
        return type(default)(value)
    except (TypeError, ValueError, ArithmeticError):
        log.warning("setting %s has an unusable value %r; using %r", key, value, default)
        return default


def company_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Shanghai"))


def local_today() -> date:
    """Today in the company time zone (periods and "not in the future" checks are local, DESIGN.md)."""
    return datetime.now(company_zone()).date()


def local_datetime(value: datetime | None) -> datetime | None:
    """A stored naive-UTC time in the company time zone."""
    if value is None:
        return None
    return value.replace(tzinfo=ZoneInfo("UTC")).astimezone(company_zone())


def notify(user_ids: set[int] | list[int], message: Any, url: str | None = None, *, about: str | None = None,
           **params: Any) -> None:
    """Tell people about a claim through the core's notifications (in-app, and email through the outbox).

    ``message`` is an English msgid (``_l``) with %(name)s placeholders: each reader gets it in their language."""
    try:
        from core.notifications import notify as core_notify
    except ImportError:
        log.info("notifications service not available; not sent: %s", message)
        return
    from sqlalchemy import select

    from core.extensions import db
    from core.identity.models import User

    if not user_ids:
        return
    for user in db.session.scalars(select(User).where(User.id.in_(sorted(set(user_ids))), User.active)):
        core_notify(user, message, url, about=about, **params)


def resolve(about: str) -> None:
    """The task the notifications about ``about`` asked for is done: they leave everyone's unread list."""
    try:
        from core.notifications import resolve_for
    except ImportError:
        return
    resolve_for(about)
