"""In-app notifications, and email through an outbox that a job sends (a page never waits on SMTP)."""

from core.notifications.outbox import queue_email
from core.notifications.service import notify, resolve_for

__all__ = ["notify", "queue_email", "resolve_for"]
