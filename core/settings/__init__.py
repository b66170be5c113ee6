"""Company and plugin settings, declared with ``register_settings()`` and edited on /admin/settings."""

from core.settings.store import SettingError, get_setting, set_setting

__all__ = ["SettingError", "get_setting", "set_setting"]
