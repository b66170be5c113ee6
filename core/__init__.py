"""NetSales core: people, access, the plugin engine and the shared services every plugin uses."""

from core import i18n_lazy

i18n_lazy.install()  # before any module's code makes its lazy labels (core/i18n_lazy.py)

from core.app import create_app  # noqa: E402

#: The plugin contract version; a plugin's manifest states which range of it it supports.
CORE_API = "1.0"

__all__ = ["CORE_API", "create_app"]
