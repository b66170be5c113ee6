"""The settings service's hooks: the company settings, the permission to edit settings, its menu item."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from core.contracts import MenuItem, PermissionDef, SettingDef
from core.hookspecs import hookimpl

TLS_CHOICES = (("starttls", _l("STARTTLS (usually port 587)")), ("ssl", _l("SSL/TLS (usually port 465)")),
               ("none", _l("None (only on a trusted network)")))
#: Secrets are never shown back on the page; leaving the field empty keeps the stored value.
SECRET_KEYS = frozenset({"core.smtp_password"})


@functools.cache
def timezone_choices() -> tuple[tuple[str, str], ...]:
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return tuple((zone, zone) for zone in ["UTC", *zones])


def _port(value: int) -> Any:
    return None if 1 <= value <= 65535 else _l("A port is a number from 1 to 65535.")


def _sender(value: str) -> Any:
    from core.settings.addresses import valid_address

    return None if not value or valid_address(value) else _l("Enter an email address, such as NetSales <noreply@example.com>.")


def _host(value: str) -> Any:
    return None if " " not in value and "/" not in value else _l("Enter a host name or address, without spaces or slashes.")


#: Checks beyond the declared type, for the core's own settings.
EXTRA_CHECKS: dict[str, Callable[[Any], Any]] = {"core.smtp_port": _port, "core.smtp_sender": _sender,
                                                 "core.smtp_host": _host}


@hookimpl
def register_permissions() -> list[PermissionDef]:
    return [PermissionDef("core.settings.manage", _l("Edit company and module settings"))]


@hookimpl
def menu_items(user: Any) -> list[MenuItem]:
    return [MenuItem("core.settings", _l("Settings"), "core_settings.index", permission="core.settings.manage",
                     icon="settings", order=910, parent="admin")]


@hookimpl
def register_settings() -> list[SettingDef]:
    config = current_app.config
    return [
        SettingDef("core.company_name", _l("Company name"), "str", default=config["COMPANY_NAME"],
                   help=_l("Shown in the page header, on reports and in emails.")),
        SettingDef("core.timezone", _l("Time zone"), "choice", default=config["TIMEZONE"], choices=timezone_choices(),
                   help=_l("Times are shown, and months and days counted, in this time zone.")),
        SettingDef("core.smtp_host", _l("SMTP server"), "str", default="",
                   help=_l("The mail server that sends notification emails. Empty: no emails are sent; they wait in the outbox.")),
        SettingDef("core.smtp_port", _l("SMTP port"), "int", default=587),
        SettingDef("core.smtp_tls", _l("Encryption"), "choice", default="starttls", choices=TLS_CHOICES),
        SettingDef("core.smtp_user", _l("SMTP user name"), "str", default="",
                   help=_l("Empty if the server needs no sign-in.")),
        SettingDef("core.smtp_password", _l("SMTP password"), "str", default="",
                   help=_l("Leave empty to keep the current password.")),
        SettingDef("core.smtp_sender", _l("Sender address"), "str", default="",
                   help=_l("The From address of emails, such as NetSales <noreply@example.com>.")),
    ]
