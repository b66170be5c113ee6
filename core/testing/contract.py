"""The plugin contract suite (DESIGN.md "Tests"): what every plugin, built-in or third-party, must satisfy.

Use it from a plugin's tests:

    from core.testing.contract import PluginContract

    class TestContract(PluginContract):
        plugin = "hello"
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from core import hookspecs
from core.contracts import MenuItem, PermissionDef
from core.db import migrations
from core.security import view_access


def plugin_routes(app: Flask, name: str) -> list[Any]:
    engine = app.extensions["netsales"]
    owned = {bp for bp, owner in engine.blueprint_owner.items() if owner == name}
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.split(".")[0] in owned]


def parameterless_get_routes(app: Flask, name: str) -> list[str]:
    return [rule.rule for rule in plugin_routes(app, name) if "GET" in rule.methods and not rule.arguments]


class PluginContract:
    """Subclass and set ``plugin`` to the plugin's name."""

    plugin: str = ""

    @pytest.fixture
    def contract_plugin(self) -> str:
        return self.plugin

    @pytest.fixture
    def contract_app(self, make_app: Any, contract_plugin: str) -> Any:
        app = make_app()
        with app.app_context():
            from core.setup import enable_plugins

            enable_plugins(app, contract_plugin)
            yield app

    def test_manifest_is_valid_and_plugin_loads(self, contract_app: Flask, contract_plugin: str) -> None:
        plugin = contract_app.extensions["netsales"].plugins.get(contract_plugin)
        assert plugin is not None, f"{contract_plugin} was not discovered"
        assert plugin.loaded, plugin.load_error
        assert plugin.manifest.title, "the manifest needs a title"
        assert plugin.manifest.clauses or plugin.manifest.name, "clauses say which regulation clauses it serves"

    def test_every_hook_implementation_matches_a_spec(self, contract_app: Flask, contract_plugin: str) -> None:
        hooks_module = contract_app.extensions["netsales"].plugins[contract_plugin].hooks
        if hooks_module is None:
            return
        specs = {name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), "netsales_spec")}
        implemented = {name for name in dir(hooks_module) if hasattr(getattr(hooks_module, name), "netsales_impl")}
        assert implemented <= specs, f"no such hooks: {sorted(implemented - specs)}"

    def test_tables_carry_the_plugin_prefix(self, contract_app: Flask, contract_plugin: str) -> None:
        from core.extensions import db

        module_name = contract_app.extensions["netsales"].plugins[contract_plugin].module_name
        for mapper in db.Model.registry.mappers:
            if mapper.class_.__module__.startswith(f"{module_name}."):
                table = mapper.local_table.name
                assert table.startswith(f"{contract_plugin}_"), f"table {table} must start with {contract_plugin}_"

    def test_migrations_go_up_down_up_without_drift(
        self, contract_app: Flask, contract_plugin: str, fresh_database: Any
    ) -> None:
        from sqlalchemy import create_engine

        from core.setup import plugin_lineage

        engine = contract_app.extensions["netsales"]
        lineage = plugin_lineage(engine, contract_plugin)
        if lineage is None:
            return
        db_engine = create_engine(fresh_database.url)
        try:
            migrations.upgrade(db_engine, migrations.core_lineage())
            for dep in engine.dependency_closure(contract_plugin)[:-1]:
                dep_lineage = plugin_lineage(engine, dep)
                if dep_lineage:
                    migrations.upgrade(db_engine, dep_lineage)
            migrations.upgrade(db_engine, lineage)
            assert migrations.drift(db_engine, lineage) == []
            assert migrations.owned_tables(db_engine, lineage), "the migrations create no table"
            migrations.downgrade(db_engine, lineage)
            assert migrations.owned_tables(db_engine, lineage) == []
            migrations.upgrade(db_engine, lineage)
            assert migrations.drift(db_engine, lineage) == []
        finally:
            db_engine.dispose()

    def test_permissions_are_declared_and_used(self, contract_app: Flask, contract_plugin: str) -> None:
        engine = contract_app.extensions["netsales"]
        declared = engine.collect("register_permissions", PermissionDef, only=contract_plugin)
        codes = {p.code for p in declared}
        for permission in declared:
            assert permission.code.startswith(f"{contract_plugin}."), permission.code
            assert str(permission.label).strip(), f"{permission.code} needs a label"
        available = set(codes)
        for dep in ["core", *engine.dependency_closure(contract_plugin)]:
            available |= {p.code for p in engine.collect("register_permissions", PermissionDef, only=dep)}
        for rule in plugin_routes(contract_app, contract_plugin):
            access = view_access(contract_app.view_functions[rule.endpoint])
            assert access is not None, f"{rule.rule} declares no permission and is not marked public"
            if access[0] == "permission":
                assert access[1] in available, f"{rule.rule} requires undeclared permission {access[1]}"

    def test_disabling_hides_routes_menus_and_search(
        self, contract_app: Flask, contract_plugin: str, make_user: Any, login_as: Any
    ) -> None:
        from core.extensions import db
        from core.setup import disable_plugins, enable_plugins

        engine = contract_app.extensions["netsales"]
        admin = make_user("contract-admin", roles=["admin"])
        client = login_as(admin, on=contract_app.test_client())
        routes = parameterless_get_routes(contract_app, contract_plugin)

        def search_answers() -> int:
            return len(engine.call("global_search", query="a", user=admin, limit=5))

        own_menu = {i.key for i in engine.collect("menu_items", MenuItem, only=contract_plugin, user=admin)}
        with_plugin = search_answers()
        for route in routes:
            assert client.get(route).status_code != 404, f"{route} should answer while enabled"

        # Plugins that need this one go first (deepest first), and come back afterwards.
        dependents = [other for other in reversed(engine.order) if other != contract_plugin
                      and engine.is_enabled(other) and contract_plugin in engine.dependency_closure(other)]
        own_search = sum(len(engine.call("global_search", only=name, query="a", user=admin, limit=5))
                         for name in [contract_plugin, *dependents])
        for other in dependents:
            disable_plugins(contract_app, other)
        disable_plugins(contract_app, contract_plugin)
        try:
            for route in routes:
                assert client.get(route).status_code == 404, f"{route} should be hidden while disabled"
            menu = {i.key for i in engine.collect("menu_items", MenuItem, user=admin)}
            assert not own_menu & menu
            assert search_answers() == with_plugin - own_search
        finally:
            for name in [contract_plugin, *reversed(dependents)]:
                enable_plugins(contract_app, name)
            db.session.remove()
        for route in routes:
            assert client.get(route).status_code != 404
