"""Appraisal cycles (R4.2): on the open day of each month, the previous month for every active person whose
position has a template, due on the due day; in January, the previous year.

Opening is set-based and idempotent: the cycle row, the appraisals and their indicator rows are each one
INSERT ... SELECT ... ON CONFLICT DO NOTHING against a unique key, so running the job twice, or in two processes
at once, opens each appraisal exactly once. Periods and due days are company-local (Asia/Shanghai by default).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, literal, or_, select, update
from sqlalchemy.orm import aliased

from core.contracts import Period
from core.identity.models import User
from core.jobs.sql import upsert
from core.timeutil import local_midnight_utc, local_today, utcnow
from plugins.appraisal.models import Appraisal, Cycle, Indicator, Score, Template
from plugins.appraisal.settings import setting

OPEN_STATES = ("self_assessment", "superior_review", "calibration")


@dataclass(frozen=True)
class Opening:
    cycle_id: int
    created: int


def _day_in_month(year: int, month: int, day: int) -> date:
    return date(year, month, max(1, min(day, calendar.monthrange(year, month)[1])))


def monthly_period(today: date) -> Period:
    """The month before ``today``'s month."""
    end = today.replace(day=1)
    return Period((end - timedelta(days=1)).replace(day=1), end)


def annual_period(today: date) -> Period:
    return Period(date(today.year - 1, 1, 1), date(today.year, 1, 1))


def due_date(kind: str, period: Period) -> date:
    """Monthly: the due day of the month after the period; annual: the due day of the next January."""
    day = int(setting("annual_due_day" if kind == "annual" else "monthly_due_day"))
    return _day_in_month(period.end.year, period.end.month, day)


def cycles_due(today: date) -> list[tuple[str, Period]]:
    """The cycles that should be open on ``today`` (company-local): the previous month from the open day on, and in
    January the previous year. Only the latest: a long outage does not back-fill old months."""
    due: list[tuple[str, Period]] = []
    open_day = max(1, min(int(setting("monthly_open_day")), calendar.monthrange(today.year, today.month)[1]))
    if today.day >= open_day:
        due.append(("monthly", monthly_period(today)))
        if today.month == 1:
            due.append(("annual", annual_period(today)))
    return due


def ensure_cycle(session: Any, kind: str, period: Period) -> int:
    """The cycle's id, inserting it if nobody has (one statement; a concurrent insert wins quietly)."""
    due_on = due_date(kind, period)
    values = {"kind": kind, "period_start": period.start, "period_end": period.end, "due_on": due_on,
              "closes_at": local_midnight_utc(due_on + timedelta(days=1)), "opened_at": utcnow()}
    session.execute(upsert(session, Cycle.__table__).values(**values)
                    .on_conflict_do_nothing(index_elements=["kind", "period_start"]))
    return session.scalar(select(Cycle.id).where(Cycle.kind == kind, Cycle.period_start == period.start))


def open_cycle(session: Any, kind: str, period: Period) -> Opening:
    """Open the cycle of ``period`` and an appraisal for every eligible person (set-based; see the module doc).
    Returns how many appraisals this call created (0 on a second run). Does not commit."""
    cycle_id = ensure_cycle(session, kind, period)
    cycle = session.get(Cycle, cycle_id)
    skip_joiners = setting("mid_period") == "skip"
    superior = aliased(User)
    joined_before = or_(User.hire_date.is_(None), User.hire_date < period.end)
    if skip_joiners:
        joined_before = or_(User.hire_date.is_(None), User.hire_date <= period.start)
    people = (
        select(literal(cycle_id), literal(kind), literal(period.start), User.id, Template.id, superior.id,
               literal("self_assessment"), literal(cycle.due_on), literal(Decimal("1")), literal(0),
               literal(utcnow()), literal(1))
        .select_from(User)
        .join(Template, and_(Template.position == User.position, Template.current.is_(True)))
        .outerjoin(superior, and_(superior.id == User.superior_id, superior.active.is_(True),
                                  superior.id != User.id))
        .where(User.active.is_(True), joined_before)
    )
    table = Appraisal.__table__
    columns = ["cycle_id", "kind", "period_start", "employee_id", "template_id", "reviewer_id", "state", "due_on",
               "prorata", "customer_responses", "created_at", "version"]
    # RETURNING, not rowcount (the PostgreSQL driver reports -1 for an INSERT ... SELECT) nor a count before and
    # after (another process's rows, committed meanwhile, would count as ours).
    created = len(session.execute(upsert(session, table).from_select(columns, people)
                                  .on_conflict_do_nothing(index_elements=["cycle_id", "employee_id"])
                                  .returning(table.c.id)).all())
    scores = (
        select(Appraisal.id, Indicator.id)
        .join(Indicator, Indicator.template_id == Appraisal.template_id)
        .where(Appraisal.cycle_id == cycle_id)
    )
    session.execute(upsert(session, Score.__table__).from_select(["appraisal_id", "indicator_id"], scores)
                    .on_conflict_do_nothing(index_elements=["appraisal_id", "indicator_id"]))
    if not skip_joiners:
        _pro_rata(session, cycle_id, period)
    return Opening(cycle_id, created)


def _pro_rata(session: Any, cycle_id: int, period: Period) -> None:
    """Share of the period employed, for people who joined during it (one UPDATE per distinct hire day)."""
    days = (period.end - period.start).days
    hires = session.execute(
        select(User.hire_date).distinct().join(Appraisal, Appraisal.employee_id == User.id)
        .where(Appraisal.cycle_id == cycle_id, User.hire_date > period.start, User.hire_date < period.end)).scalars()
    for hired in hires:
        share = (Decimal((period.end - hired).days) / Decimal(days)).quantize(Decimal("0.0001"))
        ids = select(User.id).where(User.hire_date == hired).scalar_subquery()
        session.execute(update(Appraisal.__table__).where(
            Appraisal.__table__.c.cycle_id == cycle_id, Appraisal.__table__.c.employee_id.in_(ids),
            Appraisal.__table__.c.prorata == Decimal("1")).values(prorata=share))


def run_cycles(session: Any, today: date | None = None, pull: bool = True) -> list[Opening]:
    """What the scheduled job does: open the cycles due ``today`` and read their results once. Commits per cycle."""
    from plugins.appraisal.services.pulling import pull_cycle

    today = today or local_today()
    openings = []
    for kind, period in cycles_due(today):
        opening = open_cycle(session, kind, period)
        session.commit()
        cycle = session.get(Cycle, opening.cycle_id)
        if pull and (cycle.pulled_at is None or opening.created):
            pull_cycle(session, cycle, only_unread=cycle.pulled_at is not None)
            session.commit()
        openings.append(opening)
    return openings


def latest_cycles(session: Any, limit: int = 24) -> list[Cycle]:
    return list(session.scalars(select(Cycle).order_by(Cycle.period_start.desc(), Cycle.kind.desc()).limit(limit)))
