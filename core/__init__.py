"""NetSales core: people, access, the plugin engine and the shared services every plugin uses."""

from core.app import create_app

#: The plugin contract version; a plugin's manifest states which range of it it supports.
CORE_API = "1.0"

__all__ = ["CORE_API", "create_app"]
