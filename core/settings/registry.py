"""Which settings exist: the core's and each plugin's ``register_settings()`` declarations, checked."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from core.contracts import SettingDef

log = logging.getLogger(__name__)

TYPES = ("str", "text", "int", "decimal", "bool", "choice")
CORE = "core"


@dataclass(frozen=True)
class SettingSection:
    """One block of the settings page: the core's company settings, or one plugin's, under its title."""

    owner: str
    title: str
    settings: tuple[SettingDef, ...]


def _valid(owner: str, definition: SettingDef) -> bool:
    problem = None
    if not definition.key.startswith(f"{owner}."):
        problem = f"its key must start with {owner}."
    elif definition.type not in TYPES:
        problem = f"type {definition.type!r} is not one of {', '.join(TYPES)}"
    elif definition.type == "choice" and not definition.choices:
        problem = "a choice needs choices"
    if problem:
        log.warning("setting %s of %s ignored: %s", definition.key, owner, problem)
    return problem is None


def _declared_by(owner: str, include_disabled: bool = False) -> tuple[SettingDef, ...]:
    engine = current_app.extensions["netsales"]
    records = engine.collect("register_settings", SettingDef, only=owner, include_disabled=include_disabled)
    return tuple(d for d in records if _valid(owner, d))


def all_definitions() -> dict[str, SettingDef]:
    """Every declared setting of the core and of every loaded plugin (enabled or not). The declarations are code:
    collected once per process (again after plugin changes, which may isolate a broken plugin)."""
    engine = current_app.extensions["netsales"]
    return engine.memo("settings.definitions", None, lambda: _collect_definitions(engine))


def _collect_definitions(engine: Any) -> dict[str, SettingDef]:
    found: dict[str, SettingDef] = {}
    for owner in [CORE, *engine.loaded_names()]:
        for definition in _declared_by(owner, include_disabled=True):
            found.setdefault(definition.key, definition)
    return found


def sections() -> list[SettingSection]:
    """The settings page's sections: the company first, then each enabled plugin that has settings."""
    engine = current_app.extensions["netsales"]
    locale = str(get_locale())
    result = [SettingSection(CORE, str(_l("Company")), _declared_by(CORE))]
    for name in engine.active_names():
        declared = _declared_by(name)
        if declared:
            result.append(SettingSection(name, engine.plugins[name].manifest.title_for(locale), declared))
    return result
