"""Analytics' pages, one module a job; each adds its routes to the one blueprint ``bp``."""

from __future__ import annotations

from plugins.analytics.views import explore, market, monthly, reports, research, sales  # noqa: E402,F401  (routes)
from plugins.analytics.views.common import bp

__all__ = ["bp"]
