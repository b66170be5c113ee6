"""The recruitment pages, one module an entity; each adds its routes to ``bp`` (or ``public_bp``)."""

from __future__ import annotations

from plugins.recruitment.views import (  # noqa: F401  (routes)
    applications,
    candidates,
    checks,
    interviews,
    offers,
    postings,
    public,
    reports,
    requisitions,
    tests,
)
from plugins.recruitment.views.common import bp, public_bp

__all__ = ["bp", "public_bp"]
