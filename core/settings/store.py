"""Reading and writing settings. Values are cached for one request only: several processes share the database."""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from core.cache import SETTINGS_COUNTER, shared
from core.contracts import SettingDef
from core.extensions import db
from core.jobs.sql import upsert
from core.plugins.engine import bump_counter
from core.settings.models import Setting
from core.settings.registry import all_definitions
from core.timeutil import utcnow

log = logging.getLogger(__name__)

MAX_STR = 500
MAX_TEXT = 20000
MAX_NUMBER = 10**12
TRUE = ("1", "true", "on", "yes", "y")
FALSE = ("", "0", "false", "off", "no", "n")


class SettingError(ValueError):
    """A value that does not fit its setting; the message is for the person who typed it."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def _extra_checks() -> dict[str, Any]:
    from core.settings.hooks import EXTRA_CHECKS

    return EXTRA_CHECKS


def coerce(definition: SettingDef, raw: Any) -> Any:
    """The typed value of ``raw`` (a form string or a Python value) for ``definition``; raises SettingError."""
    kind = definition.type
    if kind in ("str", "text"):
        value = "" if raw is None else str(raw)
        value = value.strip() if kind == "str" else value.replace("\r\n", "\n")
        limit = MAX_STR if kind == "str" else MAX_TEXT
        if kind == "str" and "\n" in value:
            raise SettingError(_l("Enter a single line."))
        if len(value) > limit:
            raise SettingError(_l("At most %(n)s characters.", n=limit))
    elif kind == "int":
        if isinstance(raw, bool):
            raise SettingError(_l("Enter a whole number."))
        try:
            value = int(str(raw).strip()) if not isinstance(raw, int) else raw
        except ValueError:
            raise SettingError(_l("Enter a whole number.")) from None
        if abs(value) >= MAX_NUMBER:
            raise SettingError(_l("This number is too large."))
    elif kind == "decimal":
        try:
            value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip().replace(",", ""))
        except (InvalidOperation, ValueError):
            raise SettingError(_l("Enter a number, such as 12.50.")) from None
        if not value.is_finite():
            raise SettingError(_l("Enter a number, such as 12.50."))
        if abs(value) >= MAX_NUMBER:
            raise SettingError(_l("This number is too large."))
    elif kind == "bool":
        if isinstance(raw, bool):
            value = raw
        elif raw is None or str(raw).strip().lower() in FALSE:
            value = False
        elif str(raw).strip().lower() in TRUE:
            value = True
        else:
            raise SettingError(_l("Choose yes or no."))
    else:  # choice
        value = "" if raw is None else str(raw)
        if value not in [code for code, _label in definition.choices]:
            raise SettingError(_l("Choose one of the offered values."))
    check = _extra_checks().get(definition.key)
    problem = check(value) if check else None
    if problem:
        raise SettingError(problem)
    return value


def _to_json(definition: SettingDef, value: Any) -> Any:
    return str(value) if definition.type == "decimal" else value


def _from_json(definition: SettingDef, stored: Any) -> Any:
    try:
        return coerce(definition, stored)
    except SettingError:  # the declaration changed type since it was saved: fall back to the default
        log.warning("stored value %r of %s no longer fits; using the default", stored, definition.key)
        return definition.default


def _read_stored() -> dict[str, Any]:
    return dict(db.session.execute(select(Setting.key, Setting.value)).all())


def _stored() -> dict[str, Any]:
    """All stored values for this request: from the process's copy while the settings counter has not moved (no
    query), else read (one small query). A copy: writes in this request change it, not the shared one."""
    if "_netsales_settings" not in g:
        g._netsales_settings = dict(shared("settings.values", SETTINGS_COUNTER, _read_stored))
    return g._netsales_settings


def definition_of(key: str) -> SettingDef:
    definition = all_definitions().get(key)
    if definition is None:
        raise KeyError(f"no setting called {key} is declared (is its module installed?)")
    return definition


def get_setting(key: str) -> Any:
    """The value of ``key``, typed as declared (Decimal for decimal); the declared default when unset.
    Raises KeyError for a key nobody declares."""
    definition = definition_of(key)
    stored = _stored()
    if key not in stored:
        return definition.default
    return _from_json(definition, stored[key])


def set_setting(key: str, value: Any, *, user: Any = None) -> Any:
    """Validate ``value`` for ``key`` and store it in the caller's transaction; returns the typed value.
    Raises KeyError for an unknown key and SettingError (with a message for the user) for a bad value."""
    definition = definition_of(key)
    typed = coerce(definition, value)
    store_raw(key, _to_json(definition, typed), user=user)
    return typed


def store_raw(key: str, value: Any, *, user: Any = None) -> None:
    """Store an already valid JSON value (None deletes it). Concurrent savers: the last one wins, no error."""
    bump_counter(db.session, SETTINGS_COUNTER)  # every process reloads its copy on its next request
    if value is None:
        db.session.execute(delete(Setting).where(Setting.key == key))
    else:
        values = {"key": key, "value": value, "updated_at": utcnow(), "updated_by_id": getattr(user, "id", None)}
        statement = upsert(db.session, Setting.__table__).values(**values)
        db.session.execute(statement.on_conflict_do_update(
            index_elements=["key"], set_={k: v for k, v in values.items() if k != "key"}))
    cache = _stored()
    if value is None:
        cache.pop(key, None)
    else:
        cache[key] = value


def stored_raw(key: str) -> Any:
    return _stored().get(key)
