"""The CRM passes the plugin contract suite, as every plugin must."""

from typing import Any

import pytest

from core.testing.contract import PluginContract


class TestCRMContract(PluginContract):
    plugin = "crm"

    @pytest.fixture
    def contract_app(self, app: Any, make_app: Any, contract_plugin: str) -> Any:
        """CRM alone: the plugins that depend on it (pipeline) are disabled first, so that it can be disabled.

        ``app`` comes first: building it enables every built-in plugin again."""
        from core.setup import disable_plugins, enable_plugins

        app = make_app()
        with app.app_context():
            engine = app.extensions["netsales"]
            for dependent in engine.enabled_dependents(contract_plugin):
                disable_plugins(app, dependent)
            enable_plugins(app, contract_plugin)
            yield app
