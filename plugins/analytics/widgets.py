"""The dashboard widget: this year's revenue by month beside last year's, in the reader's scope."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from core.timeutil import local_today
from plugins.analytics.services import sales
from plugins.analytics.views.common import chart_json


def trend(user: Any) -> dict[str, Any]:
    dataset = sales.sales_dataset(user)
    if dataset is None:
        return {"dataset": None}
    today = local_today()
    points = sales.monthly_trend(dataset, user, today.year)[: today.month]
    return {
        "dataset": dataset,
        "this_year": sum((p.revenue or Decimal("0") for p in points), Decimal("0")),
        "last_year": sum((p.last_year for p in points), Decimal("0")),
        "chart": chart_json("bar", [_("M%(m)s", m=int(p.bucket)) for p in points],
                            [(str(today.year), [p.revenue for p in points]),
                             (str(today.year - 1), [p.last_year for p in points])]),
    }


def changes(user: Any) -> dict[str, Any]:
    from plugins.analytics.views.monthly import changes_for, kpi_labels

    return {"changes": changes_for(user, limit=5), "kpi_labels": kpi_labels()}
