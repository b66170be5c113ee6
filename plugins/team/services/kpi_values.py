"""Reading other plugins' KPIs, only through the register_kpis hook (DESIGN.md): for meeting agendas, award
suggestions and leaderboards."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import current_app

from core.contracts import KPIDef, Period

#: Units whose team figure is an average of the members' values, not a sum.
AVERAGED_UNITS = ("%", "score 1-5", "days")


def definitions() -> dict[str, KPIDef]:
    """The enabled plugins' KPIs by key."""
    engine = current_app.extensions["netsales"]
    return {kpi.key: kpi for kpi in engine.collect("register_kpis", KPIDef)}


def labels() -> dict[str, str]:
    """The KPIs' labels in the current language (a meeting keeps the label it was scheduled with as a fallback,
    for a KPI whose module has since been disabled)."""
    return {key: str(kpi.label) for key, kpi in definitions().items()}


def values(key: str, user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """{user_id: value} of one KPI, {} when no enabled plugin offers it (or it fails: logged, not fatal)."""
    kpi = definitions().get(key)
    if kpi is None or not user_ids:
        return {}
    try:
        return {uid: Decimal(str(v)) for uid, v in kpi.compute(list(user_ids), period).items() if v is not None}
    except Exception:  # another plugin's KPI must not break a meeting or an award run
        current_app.logger.exception("KPI %s failed", key)
        return {}


def team_figures(keys: list[str], user_ids: list[int], period: Period) -> list[dict[str, Any]]:
    """The team's figure of each KPI: the sum of its members', or their average for rates and scores."""
    known = definitions()
    figures = []
    for key in keys:
        kpi = known.get(key)
        if kpi is None:
            continue
        per_user = values(key, user_ids, period)
        if not per_user:
            total: Decimal | None = None
        elif kpi.unit in AVERAGED_UNITS:
            total = sum(per_user.values(), Decimal("0")) / len(per_user)
        else:
            total = sum(per_user.values(), Decimal("0"))
        figures.append({"key": key, "label": str(kpi.label), "unit": kpi.unit,
                        "value": None if total is None else str(total.quantize(Decimal("0.01")))})
    return figures


def ranked(key: str, user_ids: list[int], period: Period) -> list[tuple[int, Decimal]]:
    """(user_id, value) best first."""
    kpi = definitions().get(key)
    if kpi is None:
        return []
    pairs = list(values(key, user_ids, period).items())
    pairs.sort(key=lambda p: (-p[1] if kpi.higher_is_better else p[1], p[0]))
    return pairs
