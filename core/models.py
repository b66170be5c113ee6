"""Imports every core model so that the metadata is complete (migrations compare against it)."""

from core.api.models import ApiToken  # noqa: F401
from core.attachments.models import Attachment  # noqa: F401
from core.audit.models import AuditLog  # noqa: F401
from core.auth.models import LoginAttempt  # noqa: F401
from core.identity.models import Department, Grant, Permission, Role, User, user_roles
from core.jobs.models import Job  # noqa: F401
from core.listviews.models import SavedView  # noqa: F401
from core.notifications.models import EmailOutbox, Notification, NotificationPreference  # noqa: F401
from core.plugins.models import ChangeCounter, PluginState
from core.regulation.models import RegulationClause  # noqa: F401
from core.settings.models import Setting  # noqa: F401
from core.timeline.models import Comment  # noqa: F401

__all__ = ["ChangeCounter", "Department", "Grant", "Permission", "PluginState", "Role", "User", "user_roles"]
