"""The modules page: every plugin found, its state, what it depends on and what depends on it, and enable /
disable buttons (a module others need says so before anyone tries to disable it: issue 12)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from core.plugins.engine import PluginError
from core.security import require
from core.setup import disable_plugins, enable_plugins

bp = Blueprint("core_admin", __name__, url_prefix="/admin")


@bp.get("/plugins")
@require("core.plugins.manage")
def plugins():  # type: ignore[no-untyped-def]
    engine = current_app.extensions["netsales"]
    locale = str(get_locale())
    rows = []
    for name in sorted(engine.plugins):
        plugin = engine.plugins[name]
        manifest = plugin.manifest
        needed_by = _needed_by(engine, name)
        rows.append({
            "name": name,
            "title": manifest.title_for(locale) if manifest else name,
            "summary": manifest.summary_for(locale) if manifest else "",
            "version": manifest.version if manifest else "",
            "depends": [_module_ref(engine, d, locale) for d in (manifest.depends if manifest else ())],
            "needed_by": [_module_ref(engine, d, locale) for d in needed_by["blocking"]],
            "bridges": [_module_ref(engine, d, locale) for d in needed_by["bridges"]],
            "clauses": manifest.clauses if manifest else (),
            "source": plugin.source,
            "state": _state_text(engine.state_label(name)),
            "state_kind": engine.state_label(name).split(":")[0],
            "enabled": engine.is_enabled(name),
            "loaded": plugin.loaded,
        })
    # Installed with pip after this process started: listed, but loaded only by a restart (engine docstring says why).
    waiting = engine.installed_since_start()
    for announced in waiting:
        rows.append({
            "name": announced.name, "title": announced.name, "summary": announced.distribution, "version": "",
            "depends": (), "needed_by": (), "bridges": (), "clauses": (), "source": "entry point", "enabled": False,
            "loaded": False,
            "state_kind": "restart", "state": _("installed after NetSales started: restart NetSales to load it"),
        })
    for name, was_enabled in sorted(engine.missing.items()):
        if any(a.name == name for a in waiting):
            continue  # in the database and installed again: the row above says what to do
        rows.append({
            "name": name, "title": name, "summary": "", "version": "", "depends": (), "needed_by": (), "bridges": (),
            "clauses": (),
            "source": "", "enabled": False, "loaded": False, "state_kind": "missing",
            "state": _("not installed (was enabled; its data is kept)") if was_enabled
            else _("not installed (its data is kept)"),
        })
    return render_template("admin/plugins.html", rows=rows, restart_needed=bool(waiting))


def _needed_by(engine: Any, name: str) -> dict[str, list[str]]:
    """The enabled modules that depend on ``name``: those that keep it from being disabled, and the bridge modules
    (auto_enable) that disabling it switches off with it (as the engine's plan_disable does)."""
    dependents = engine.enabled_dependents(name)
    bridges = [d for d in dependents if engine.plugins[d].manifest.auto_enable]
    return {"blocking": [d for d in dependents if d not in bridges], "bridges": bridges}


def _module_ref(engine: Any, name: str, locale: str) -> dict[str, Any]:
    """Another module as the page names it: its title, and whether it is installed and enabled."""
    plugin = engine.plugins.get(name)
    manifest = plugin.manifest if plugin is not None else None
    return {"name": name, "title": manifest.title_for(locale) if manifest else name,
            "installed": plugin is not None, "enabled": engine.is_enabled(name)}


def _state_text(label: str) -> str:
    kind, _sep, reason = label.partition(": ")
    if kind == "enabled":
        return _("enabled")
    if kind == "disabled":
        return _("disabled")
    return _("broken: %(reason)s", reason=reason)


@bp.post("/plugins/<name>/enable")
@require("core.plugins.manage")
def enable(name: str):  # type: ignore[no-untyped-def]
    try:
        enabled = enable_plugins(current_app, name)
    except PluginError as exc:
        flash(str(exc), "error")
    else:
        if enabled:
            flash(_("Enabled: %(names)s.", names=", ".join(enabled)), "success")
        else:
            flash(_("%(name)s was already enabled.", name=name), "info")
    return redirect(url_for("core_admin.plugins"))


@bp.post("/plugins/<name>/disable")
@require("core.plugins.manage")
def disable(name: str):  # type: ignore[no-untyped-def]
    try:
        disabled = disable_plugins(current_app, name)
    except PluginError as exc:
        flash(_disable_refusal(name) or str(exc), "error")
    else:
        if disabled:
            flash(_("Disabled: %(names)s. Their data is kept.", names=", ".join(disabled)), "success")
        else:
            flash(_("%(name)s was already disabled.", name=name), "info")
    return redirect(url_for("core_admin.plugins"))


def _disable_refusal(name: str) -> str | None:
    """The refusal in the reader's language, modules by their titles (issue 12: it was the engine's English)."""
    engine = current_app.extensions["netsales"]
    if name not in engine.plugins:
        return _("No module called %(name)s is installed.", name=name)
    blocking = [d for d in engine.enabled_dependents(name)
                if not engine.plugins[d].manifest.auto_enable]  # the engine refuses for these (plan_disable)
    if not blocking:
        return None
    locale = str(get_locale())

    def title(plugin_name: str) -> str:
        manifest = engine.plugins[plugin_name].manifest
        return manifest.title_for(locale) if manifest else plugin_name

    separator = "、" if locale.startswith("zh") else ", "
    return _("%(name)s cannot be disabled: %(names)s depend on it. Disable them first.",
             name=title(name), names=separator.join(title(d) for d in blocking))
