"""The expenses pages, one module a job; each adds its routes to the one blueprint ``bp`` (views.common)."""

from __future__ import annotations

from plugins.expenses.views import (  # noqa: F401  (their routes)
    budgets,
    categories,
    claims,
    printing,
    queues,
    receipts,
    reports,
)
from plugins.expenses.views.common import bp

__all__ = ["bp"]
