"""The pipeline's pages, one module a job; each adds its routes to the one blueprint ``bp``."""

from __future__ import annotations

from plugins.pipeline.views import deals, orders, products, quotations, targets, tickets  # noqa: E402,F401  (routes)
from plugins.pipeline.views.common import bp

__all__ = ["bp"]
