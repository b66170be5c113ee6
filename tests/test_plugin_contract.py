"""The plugin contract suite for every plugin installed here: the built-in ones and the example plugin."""

import pytest

from core.plugins.discovery import discover
from core.plugins.manifest import ManifestError, read_manifest
from core.testing.contract import PluginContract


def installed_plugin_names() -> list[str]:
    names = []
    for candidate in discover():
        try:
            names.append(read_manifest(candidate.package_dir).name)
        except (ManifestError, TypeError):
            continue
    return sorted(names)


@pytest.mark.parametrize("plugin_name", installed_plugin_names())
class TestEveryPlugin(PluginContract):
    @pytest.fixture
    def contract_plugin(self, plugin_name: str) -> str:
        return plugin_name
