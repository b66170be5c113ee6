"""The NetSales test kit: pytest fixtures (core.testing.plugin) and the plugin contract suite (core.testing.contract).

Installed as a pytest plugin through the pytest11 entry point, so a third-party plugin's tests get the same
fixtures: app, db, client, cli_runner, make_user, login_as, enable_plugin, disable_plugin, temp_plugin.
"""

from core.testing.database import TestDatabase

TEST_PASSWORD = "Test-password-2026"

__all__ = ["TEST_PASSWORD", "TestDatabase"]
