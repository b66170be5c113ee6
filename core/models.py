"""Imports every core model so that the metadata is complete (migrations compare against it)."""

from core.identity.models import Department, Grant, Permission, Role, User, user_roles
from core.plugins.models import ChangeCounter, PluginState

__all__ = ["ChangeCounter", "Department", "Grant", "Permission", "PluginState", "Role", "User", "user_roles"]
