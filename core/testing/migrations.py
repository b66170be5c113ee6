"""Testing a plugin's migrations up and down on a database of its own (the ``migrate_plugin`` fixture).

    def test_my_migrations(migrate_plugin):
        migrations = migrate_plugin("hello")     # core and hello's dependencies at head; hello not yet
        migrations.upgrade()
        assert migrations.tables() == ["hello_greeting"] and migrations.drift() == []
        migrations.downgrade()                   # to base: the plugin's tables are gone
        assert migrations.tables() == []

The contract suite (core.testing.contract) already runs up / down / up with no drift for every plugin; use this
for what it does not know: a data migration's effect, a downgrade that must keep data, a revision in between.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import Engine, create_engine

from core.db import migrations


class PluginMigrations:
    """One plugin's Alembic lineage on the database at ``database_url`` (empty, e.g. ``fresh_database.url``).

    ``app`` is any app that loaded the plugin (the ``app`` fixture); it is used only to find the lineages."""

    def __init__(self, app: Flask, plugin: str, database_url: str) -> None:
        from core.setup import plugin_lineage

        self.plugin_engine = app.extensions["netsales"]
        if plugin not in self.plugin_engine.plugins:
            raise LookupError(f"no plugin called {plugin} was loaded")
        lineage = plugin_lineage(self.plugin_engine, plugin)
        if lineage is None:
            raise LookupError(f"{plugin} has no migrations/versions folder")
        self.plugin = plugin
        self.lineage: migrations.Lineage = lineage
        self.engine: Engine = create_engine(database_url)

    def prepare(self) -> PluginMigrations:
        """Bring the core and the plugin's dependencies to head (what a plugin's first migration builds on)."""
        from core.setup import plugin_lineage

        migrations.upgrade(self.engine, migrations.core_lineage())
        for dependency in self.plugin_engine.dependency_closure(self.plugin)[:-1]:
            lineage = plugin_lineage(self.plugin_engine, dependency)
            if lineage is not None:
                migrations.upgrade(self.engine, lineage)
        return self

    def upgrade(self, target: str = "heads") -> None:
        migrations.upgrade(self.engine, self.lineage, target)

    def downgrade(self, target: str = "base") -> None:
        migrations.downgrade(self.engine, self.lineage, target)

    def current(self) -> str | None:
        """The revision the database is at for this plugin (None before its first migration)."""
        return migrations.current(self.engine, self.lineage)

    def head(self) -> str | None:
        return migrations.head(self.lineage)

    def tables(self) -> list[str]:
        """The plugin's tables present in the database, sorted."""
        return sorted(migrations.owned_tables(self.engine, self.lineage))

    def drift(self) -> list[Any]:
        """Differences between the migrated tables and the plugin's models ([] when they match exactly)."""
        return migrations.drift(self.engine, self.lineage)

    def close(self) -> None:
        self.engine.dispose()
