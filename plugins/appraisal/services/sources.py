"""What the appraisal reads from other modules, only through hooks: KPI definitions (register_kpis) and customer
evaluations (customer_evaluations). Either may be missing when its module is off; callers say so."""

from __future__ import annotations

from flask import current_app

from core.contracts import CustomerEvaluation, KPIDef, Period


def available_kpis() -> dict[str, KPIDef]:
    """The KPIs of the enabled modules, by key (the first declaration of a key wins)."""
    found: dict[str, KPIDef] = {}
    for kpi in current_app.extensions["netsales"].collect("register_kpis", KPIDef):
        if not kpi.key.startswith("appraisal."):  # never appraise with the appraisal's own figures
            found.setdefault(kpi.key, kpi)
    return found


def customer_evaluations(user_ids: list[int], period: Period) -> dict[int, CustomerEvaluation] | None:
    """{user id: evaluation} for those rated in the period; None when no enabled module answers the hook."""
    engine = current_app.extensions["netsales"]
    if not engine.implements("customer_evaluations"):
        return None
    found: dict[int, CustomerEvaluation] = {}
    for record in engine.collect("customer_evaluations", CustomerEvaluation, user_ids=list(user_ids), period=period):
        if record.responses > 0:
            found.setdefault(record.user_id, record)
    return found
