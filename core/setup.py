"""Bringing a database up to date: core migrations, permissions, enabled plugins, first administrator."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask

from core.db import migrations
from core.extensions import db
from core.plugins.engine import PluginEngine


def engine_of(app: Flask) -> PluginEngine:
    return app.extensions["netsales"]


def sync_declarations(app: Flask) -> None:
    """Sync permissions declared by the core and every loaded plugin (enabled or not) into the database."""
    from core.contracts import PermissionDef
    from core.identity.roles import sync_permissions

    engine = engine_of(app)
    declared: dict[str, list[PermissionDef]] = {}
    for owner in ["core", *engine.loaded_names()]:
        declared[owner] = engine.collect("register_permissions", PermissionDef, only=owner)
    sync_permissions(db.session, declared)
    db.session.commit()
    engine.forget_cached()  # e.g. which permissions are record-level


def plugin_lineage(engine: PluginEngine, name: str) -> migrations.Lineage | None:
    versions = engine.plugins[name].versions_dir
    return migrations.Lineage(name, versions) if versions else None


def upgrade_all(app: Flask) -> list[str]:
    """Core, then every enabled plugin in dependency order. Returns the lineages it upgraded."""
    engine = engine_of(app)
    done = []
    migrations.upgrade(db.engine, migrations.core_lineage())
    done.append("core")
    engine.refresh(db.session)
    for name in engine.order:
        lineage = plugin_lineage(engine, name)
        if lineage and engine.is_enabled(name):
            migrations.upgrade(db.engine, lineage)
            done.append(name)
    return done


def enable_plugins(app: Flask, name: str) -> list[str]:
    """Enable ``name`` and what it depends on; migrate and seed each. Returns what was newly enabled."""
    engine = engine_of(app)
    engine.refresh(db.session)
    wanted = engine.plan_enable(name)
    for plugin_name in wanted:
        lineage = plugin_lineage(engine, plugin_name)
        if lineage:
            migrations.upgrade(db.engine, lineage)
    engine.set_enabled(db.session, wanted, True)
    for plugin_name in wanted:
        engine.call("seed_data", only=plugin_name, session=db.session)
    db.session.commit()
    engine.refresh(db.session)
    return wanted


def disable_plugins(app: Flask, name: str) -> list[str]:
    """Disable ``name`` (refused while other plugins need it). Nothing is deleted. Returns what was disabled."""
    engine = engine_of(app)
    engine.refresh(db.session)
    names = engine.plan_disable(name)
    if names:
        engine.set_enabled(db.session, names, False)
        db.session.commit()
        engine.refresh(db.session)
    return names


def initialise(app: Flask, admin_password: str | None = None) -> dict[str, Any]:
    """Make a database ready to use; safe to run again (reuses what exists, loses nothing).

    Returns what it did: {"created_admin": password or None, "enabled": [...]}.
    """
    from core.identity.models import User
    from core.identity.users import create_user

    engine = engine_of(app)
    upgrade_all(app)
    engine.refresh(db.session)
    sync_declarations(app)
    from core.plugins.models import PluginState

    result: dict[str, Any] = {"created_admin": None, "enabled": []}
    if db.session.query(PluginState).count() == 0 and app.config["INITIAL_PLUGINS"] == "builtin":
        for name in engine.order:
            if engine.plugins[name].source == "builtin" and not engine.is_enabled(name):
                result["enabled"] += enable_plugins(app, name)
    if db.session.query(User).filter_by(login="admin").first() is None:
        password = admin_password or secrets.token_urlsafe(12)
        create_user(db.session, login="admin", name="Administrator", password=password, roles=["admin"],
                    position="admin")
        db.session.commit()
        result["created_admin"] = password
    return result


def uninstall_plugin(app: Flask, name: str) -> list[str]:
    """Drop a disabled plugin's tables by migrating its lineage down to nothing, and forget its state.

    Irreversible: the CLI asks for confirmation and takes a backup first. Returns the tables dropped.
    """
    from sqlalchemy import inspect, text

    from core.plugins.engine import PluginError
    from core.plugins.models import PluginState

    engine = engine_of(app)
    engine.refresh(db.session)
    plugin = engine.require_loaded(name)
    if engine.is_enabled(name):
        raise PluginError(f"Disable {name} before uninstalling it.")
    others = [
        other for other in engine.order
        if name in engine.plugins[other].manifest.depends and plugin_lineage(engine, other)  # type: ignore[union-attr]
        and migrations.current(db.engine, plugin_lineage(engine, other)) is not None  # type: ignore[arg-type]
    ]
    if others:
        raise PluginError(f"Uninstall {', '.join(others)} first: their tables refer to {name}'s.")
    lineage = plugin_lineage(engine, name)
    dropped: list[str] = []
    if lineage:
        dropped = migrations.owned_tables(db.engine, lineage)
        migrations.downgrade(db.engine, lineage, "base")
        if lineage.version_table in inspect(db.engine).get_table_names():
            with db.engine.begin() as connection:
                connection.execute(text(f'DROP TABLE "{lineage.version_table}"'))
    state = db.session.get(PluginState, plugin.name)
    if state is not None:
        db.session.delete(state)
    db.session.commit()
    return dropped
