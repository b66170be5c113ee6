"""The training KPIs per user and period, each one set-based statement over all the users asked for (appraisal
and analytics read them through register_kpis)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.contracts import KPIDef, Period
from core.extensions import db
from core.timeutil import local_date, period_bounds
from plugins.training.models import ExamAttempt, TrainingAssignment, TrainingEnrolment

ZERO = Decimal("0")
CENT = Decimal("0.01")


def _decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def hours(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Hours of training attended (present or late) in sessions that started in the period (R3.2.2)."""
    if not user_ids:
        return {}
    start, end = period_bounds(period)
    rows = db.session.execute(
        select(TrainingEnrolment.user_id, func.sum(TrainingEnrolment.hours))
        .where(TrainingEnrolment.user_id.in_(list(user_ids)), TrainingEnrolment.attendance.in_(("present", "late")),
               TrainingEnrolment.session_starts_at >= start, TrainingEnrolment.session_starts_at < end)
        .group_by(TrainingEnrolment.user_id))
    found = {uid: _decimal(total).quantize(CENT) for uid, total in rows}
    return {uid: found.get(uid, ZERO) for uid in user_ids}


def exam_average(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Average score (percent) of the exams graded that were submitted in the period; 0 with none (R3.2.4)."""
    if not user_ids:
        return {}
    start, end = period_bounds(period)
    rows = db.session.execute(
        select(ExamAttempt.user_id, func.avg(ExamAttempt.score))
        .where(ExamAttempt.user_id.in_(list(user_ids)), ExamAttempt.state == "graded",
               ExamAttempt.submitted_at >= start, ExamAttempt.submitted_at < end)
        .group_by(ExamAttempt.user_id))
    found = {uid: _decimal(avg).quantize(CENT) for uid, avg in rows}
    return {uid: found.get(uid, ZERO) for uid in user_ids}


def onboarding_days(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Days from the hire date to the end of onboarding, for onboardings finished in the period; 0 otherwise
    (lower is better, R3.2.1)."""
    if not user_ids:
        return {}
    start, end = period_bounds(period)
    rows = db.session.execute(
        select(TrainingAssignment.user_id, TrainingAssignment.base_date, TrainingAssignment.completed_at)
        .where(TrainingAssignment.user_id.in_(list(user_ids)), TrainingAssignment.source == "onboarding",
               TrainingAssignment.completed_at >= start, TrainingAssignment.completed_at < end))
    found = {uid: Decimal(max((local_date(done) - base).days, 0)) for uid, base, done in rows}
    return {uid: found.get(uid, ZERO) for uid in user_ids}


def kpi_definitions() -> list[KPIDef]:
    return [
        KPIDef("training.hours", _l("Training hours"), "hours", hours),
        KPIDef("training.exam_average", _l("Average exam score"), "%", exam_average),
        KPIDef("training.onboarding_days", _l("Days to finish onboarding"), "days", onboarding_days,
               higher_is_better=False),
    ]
