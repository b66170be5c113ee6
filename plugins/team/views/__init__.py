"""The team plugin's pages, one module an entity; each adds its routes to the one blueprint ``bp``."""

from __future__ import annotations

from plugins.team.views import (  # noqa: E402,F401  (routes)
    activities,
    issues,
    meetings,
    notices,
    posts,
    recognition,
    robots,
)
from plugins.team.views.common import bp

__all__ = ["bp"]
