"""The appraisal's own KPIs (for analytics and dashboards; the appraisal never scores itself with them):
``appraisal.score``, the mean final score of a person's monthly appraisals of the period, and
``appraisal.on_time_rate``, the percent of them finished by their due date (R4.2). One statement each."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from core.contracts import KPIDef, Period
from core.extensions import db
from plugins.appraisal.models import Appraisal, Cycle
from plugins.appraisal.services.results import RESULT_STATES

CENT = Decimal("0.01")


def score(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(Appraisal.employee_id, func.avg(Appraisal.final_score))
        .where(Appraisal.employee_id.in_(list(user_ids)), Appraisal.kind == "monthly",
               Appraisal.state.in_(RESULT_STATES), Appraisal.period_start >= period.start,
               Appraisal.period_start < period.end)
        .group_by(Appraisal.employee_id))
    return {uid: Decimal(str(avg)).quantize(CENT) for uid, avg in rows if avg is not None}


def on_time_rate(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    if not user_ids:
        return {}
    on_time = case((Appraisal.finalized_at < Cycle.closes_at, 1), else_=0)
    rows = db.session.execute(
        select(Appraisal.employee_id, func.count(Appraisal.id), func.sum(on_time))
        .join(Cycle, Cycle.id == Appraisal.cycle_id)
        .where(Appraisal.employee_id.in_(list(user_ids)), Appraisal.kind == "monthly",
               Appraisal.period_start >= period.start, Appraisal.period_start < period.end)
        .group_by(Appraisal.employee_id))
    return {uid: (Decimal(int(good or 0)) * 100 / total).quantize(CENT) for uid, total, good in rows if total}


def kpi_definitions() -> list[KPIDef]:
    return [
        KPIDef("appraisal.score", _l("Appraisal score"), "score", score),
        KPIDef("appraisal.on_time_rate", _l("Appraisals finished on time"), "%", on_time_rate),
    ]
