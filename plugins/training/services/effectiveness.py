"""Training effectiveness by performance (R3.2.4): chosen KPIs over the N weeks before and after a course, for the
people who completed it in a period, against a comparison group of sales staff who never took it.

Set-based: the KPIs are read through register_kpis with one ``compute`` call per KPI and window for everyone at
once (participants and comparison group together), never per person. The before window ends where the period
starts, the after window starts where it ends, so that one call per window serves every participant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select, union

from core.contracts import KPIDef, Period
from core.identity.models import User
from core.timeutil import local_midnight_utc
from plugins.training.models import (
    TrainingAssignment,
    TrainingCertificate,
    TrainingEnrolment,
    TrainingSession,
)
from plugins.training.services.onboarding import SALES_POSITIONS

COUNTED = ("present", "late")
#: The comparison group is a sample of at most this many colleagues who never took the course, spread over the
#: whole staff (a fixed pseudo-random order of ids, so that a report repeats): enough for an average, and the KPIs
#: read for it stay bounded in a company of thousands.
COMPARISON_SIZE = 500
CENT = Decimal("0.01")


def available_kpis() -> dict[str, KPIDef]:
    """Every enabled plugin's KPIs but training's own (a course's effect on training hours says nothing)."""
    engine = current_app.extensions["netsales"]
    return {k.key: k for k in engine.collect("register_kpis", KPIDef) if not k.key.startswith("training.")}


def completions(course_id: int, start: date, end: date) -> Any:
    """A select of the ids of people who completed the course in [start, end): attended one of its sessions,
    finished its assignment, or passed its exam."""
    lower, upper = local_midnight_utc(start), local_midnight_utc(end)
    attended = (select(TrainingEnrolment.user_id.label("user_id"))
                .join(TrainingSession, TrainingSession.id == TrainingEnrolment.session_id)
                .where(TrainingSession.course_id == course_id, TrainingEnrolment.attendance.in_(COUNTED),
                       # the session's own start too: the database picks the course's sessions of the period
                       # first and reads only their enrolments
                       TrainingSession.starts_at >= lower, TrainingSession.starts_at < upper,
                       TrainingEnrolment.session_starts_at >= lower, TrainingEnrolment.session_starts_at < upper))
    finished = select(TrainingAssignment.user_id).where(
        TrainingAssignment.course_id == course_id, TrainingAssignment.completed_at >= lower,
        TrainingAssignment.completed_at < upper)
    passed = select(TrainingCertificate.user_id).where(
        TrainingCertificate.course_id == course_id, TrainingCertificate.issued_at >= lower,
        TrainingCertificate.issued_at < upper)
    return union(attended, finished, passed)


def takers(course_id: int) -> Any:
    """A select of the ids of everyone who ever attended, finished or passed the course: one pass over the
    course's own rows (by its indexes), which the comparison group excludes with one NOT IN."""
    attended = (select(TrainingEnrolment.user_id.label("user_id"))
                .join(TrainingSession, TrainingSession.id == TrainingEnrolment.session_id)
                .where(TrainingSession.course_id == course_id, TrainingEnrolment.attendance.in_(COUNTED)))
    finished = select(TrainingAssignment.user_id).where(TrainingAssignment.course_id == course_id,
                                                        TrainingAssignment.completed_at.is_not(None))
    passed = select(TrainingCertificate.user_id).where(TrainingCertificate.course_id == course_id)
    return union(attended, finished, passed)


@dataclass(frozen=True)
class KPIEffect:
    key: str
    label: str
    unit: str
    higher_is_better: bool
    participants_before: Decimal | None
    participants_after: Decimal | None
    comparison_before: Decimal | None
    comparison_after: Decimal | None

    @staticmethod
    def _delta(before: Decimal | None, after: Decimal | None) -> Decimal | None:
        return None if before is None or after is None else (after - before).quantize(CENT)

    @property
    def participants_change(self) -> Decimal | None:
        return self._delta(self.participants_before, self.participants_after)

    @property
    def comparison_change(self) -> Decimal | None:
        return self._delta(self.comparison_before, self.comparison_after)

    @property
    def effect(self) -> Decimal | None:
        """The participants' change beyond the comparison group's (difference in differences)."""
        if self.participants_change is None or self.comparison_change is None:
            return self.participants_change
        return (self.participants_change - self.comparison_change).quantize(CENT)

    @property
    def good(self) -> bool | None:
        if self.effect is None or self.effect == 0:
            return None
        return (self.effect > 0) == self.higher_is_better


@dataclass(frozen=True)
class EffectReport:
    before: Period
    after: Period
    participants: int
    comparison: int
    effects: list[KPIEffect]
    after_incomplete: bool


def _average(values: dict[int, Decimal], ids: list[int]) -> Decimal | None:
    if not ids:
        return None
    total = sum((Decimal(str(values.get(uid, 0) or 0)) for uid in ids), Decimal("0"))
    return (total / len(ids)).quantize(CENT)


def measure(session: Any, course_id: int, start: date, end: date, weeks: int, kpi_keys: list[str],
            today: date) -> EffectReport:
    """The before/after KPI averages of the course's participants in [start, end) and of the comparison group."""
    participant_ids = sorted(set(session.scalars(completions(course_id, start, end))))
    comparison_ids = [] if not participant_ids else sorted(session.scalars(
        select(User.id).where(User.active, User.position.in_(SALES_POSITIONS),
                              User.id.not_in(takers(course_id).scalar_subquery()))
        .order_by((User.id * 7919) % 10007, User.id).limit(COMPARISON_SIZE)))
    before = Period(start - timedelta(weeks=weeks), start)
    after = Period(end, end + timedelta(weeks=weeks))
    kpis = available_kpis()
    everyone = participant_ids + comparison_ids
    effects = []
    for key in kpi_keys:
        kpi = kpis.get(key)
        if kpi is None:
            continue
        if everyone:
            then, now = kpi.compute(everyone, before), kpi.compute(everyone, after)  # one call per window
        else:
            then, now = {}, {}
        effects.append(KPIEffect(key, str(kpi.label), kpi.unit, kpi.higher_is_better,
                                 _average(then, participant_ids), _average(now, participant_ids),
                                 _average(then, comparison_ids), _average(now, comparison_ids)))
    return EffectReport(before, after, len(participant_ids), len(comparison_ids), effects, after.end > today)
