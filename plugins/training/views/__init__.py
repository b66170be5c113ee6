"""The training pages, one module an entity; each adds its routes to the one blueprint ``bp``."""

from __future__ import annotations

from plugins.training.views import assessments, courses, effectiveness, exams, my, onboarding, plans, sessions  # noqa: F401
from plugins.training.views.common import bp

__all__ = ["bp"]
