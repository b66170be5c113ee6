"""The plugin engine: manifests, discovery, dependency order, enable/disable, isolated hook calls."""

from core.plugins.engine import PluginEngine, PluginError
from core.plugins.manifest import Manifest, ManifestError

__all__ = ["Manifest", "ManifestError", "PluginEngine", "PluginError"]
