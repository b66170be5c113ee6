"""The dashboard widget: the latest notable changes of the reader and their team (R7.1.3)."""

from __future__ import annotations

from typing import Any


def changes(user: Any) -> dict[str, Any]:
    from plugins.analytics.services.changes import changes_for
    from plugins.analytics.views.monthly import kpi_labels

    return {"changes": changes_for(user, limit=5), "kpi_labels": kpi_labels()}
