"""The appraisal's pages, one module a job; each adds its routes to the one blueprint ``bp``."""

from __future__ import annotations

from plugins.appraisal.views import appraisals, calibration, overview, results, templates  # noqa: F401  (routes)
from plugins.appraisal.views.common import bp

__all__ = ["bp"]
