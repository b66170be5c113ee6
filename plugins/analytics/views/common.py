"""The analytics blueprint and what its pages share: labels of values and buckets, chart configurations."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Blueprint, send_from_directory
from flask_babel import gettext as _
from markupsafe import Markup

from core.contracts import DatasetColumn, DatasetDef
from core.security import public
from core.web.params import whole_number
from plugins.analytics.services.access import AccessDenied
from plugins.analytics.services.catalogue import column, value_labels

PLUGIN_DIR = Path(__file__).resolve().parent.parent
bp = Blueprint("analytics", __name__, url_prefix="/analytics", template_folder=str(PLUGIN_DIR / "templates"))

#: Colours of chart series: the layout's accent first, then distinct, print-safe tones.
PALETTE = ("#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#14b8a6", "#f97316", "#64748b")


def bucket_label(key: Any, grain: str) -> str:
    """A date bucket as people write it: 2026-03-09 (day), week of 2026-03-09, 2026-03, 2026 Q1, 2026."""
    if key is None:
        return _("(no date)")
    text = str(key)
    if grain == "week":
        return _("Week of %(day)s", day=text)
    if grain == "quarter" and "-Q" in text:
        year, quarter = text.split("-Q")
        return _("%(year)s Q%(quarter)s", year=year, quarter=quarter)
    return text


class Labeller:
    """The text a user reads for a stored value of a data set's column: its label, never its code."""

    def __init__(self, dataset: DatasetDef, grain: str) -> None:
        self.dataset, self.grain = dataset, grain
        self._maps: dict[str, dict[str, str]] = {}

    def __call__(self, key: str | None, value: Any) -> str:
        if key is None:
            return ""
        col = column(self.dataset, key)
        if col is None:
            return str(value)
        if col.effective_role == "date":
            return bucket_label(value, self.grain)
        if value is None or value == "":
            return _("(empty)")
        if key not in self._maps:
            self._maps[key] = value_labels(col)
        return self._maps[key].get(str(value), str(value))


def column_label(col: DatasetColumn | None) -> str:
    return str(col.label) if col is not None else ""


def chart_json(kind: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[Any]]],
               extra: dict[str, Any] | None = None) -> Markup:
    """A Chart.js configuration for ``<canvas data-chart='…'>`` (drawn by core/static/js/netsales.js)."""
    datasets = []
    for i, (name, values) in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        datasets.append({"label": name, "data": [_plain(v) for v in values], "backgroundColor": colour,
                         "borderColor": colour, "fill": False, "tension": 0.2})
    config: dict[str, Any] = {"type": kind, "data": {"labels": list(labels), "datasets": datasets},
                              "options": {"responsive": True, "maintainAspectRatio": False, "animation": False}}
    if kind == "pie":
        config["data"]["datasets"] = [{**d, "backgroundColor": list(PALETTE)} for d in datasets[:1]]
    if extra:
        config["options"].update(extra)
    # Escaped for an HTML attribute: the template puts it in single quotes.
    return Markup(json.dumps(config, ensure_ascii=False).replace("&", "&amp;").replace("'", "&#39;")
                  .replace("<", "&lt;").replace(">", "&gt;"))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)  # a chart's axis only: tables beside every chart show the exact figures
    return value


def period_args(args: Any, default_start: date, default_end: date) -> tuple[date, date, str | None]:
    """[start, end) from ?start=YYYY-MM-DD&end=YYYY-MM-DD (end inclusive for people), with a message when wrong."""
    from datetime import timedelta

    def day(raw: Any) -> date | None:
        try:
            return date.fromisoformat(str(raw)) if raw else None
        except ValueError:
            return None

    start, last = day(args.get("start")), day(args.get("end"))
    error = None
    if (args.get("start") and start is None) or (args.get("end") and last is None):
        error = _("Enter dates as 2026-03-31.")
    start = start or default_start
    end = last + timedelta(days=1) if last else default_end
    if end <= start:
        error = _("The period must end after it starts.")
        start, end = default_start, default_end
    return start, end, error


def as_of_text(moment: Any) -> str | None:
    """When summary figures were summed, as the reader says it: 14:05 today, else the day and time."""
    from core.timeutil import local_date, local_today
    from core.web.locale import datetime_filter, time_filter

    if moment is None:
        return None
    return time_filter(moment) if local_date(moment) == local_today() else datetime_filter(moment, "short")


def year_arg(args: Any, default: int) -> int:
    return whole_number(args.get("year"), minimum=2000, maximum=2100) or default


@bp.errorhandler(AccessDenied)
def access_denied(exc: AccessDenied):  # type: ignore[no-untyped-def]
    """A service refused the reader (the views check first; this is the net under them): 403, not 500."""
    from flask import abort

    abort(403)


@bp.context_processor
def analytics_template_helpers() -> dict[str, Any]:
    """``can(permission)`` for the analytics templates (the sub-navigation hides what the reader may not open)."""
    from flask_login import current_user

    from core.security import can
    from plugins.analytics.services.summary import REFRESH_SECONDS

    return {"can": lambda permission: can(current_user, permission), "as_of_text": as_of_text,
            "summary_minutes": REFRESH_SECONDS // 60}


@bp.get("/assets/<path:filename>")
@public
def asset(filename: str):  # type: ignore[no-untyped-def]
    """The plugin's static files (styles: no inline ones under the CSP)."""
    return send_from_directory(PLUGIN_DIR / "static" / "analytics", filename, max_age=3600)
