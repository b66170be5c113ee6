"""HR's overview of a cycle (counts by state, overdue per reviewer, appeals waiting) in a fixed number of
statements; opening a cycle by hand; the overdue list (R4.2).

The overview runs four statements whatever the headcount and the number of cycles: the cycles (the shown one among
them, common.cycle_and_choices; one more for a cycle older than the picker's), the counts by state with the on-time
count, the overdue per reviewer, the appeals.
They are built once per process with the cycle, its closing moment and today as bound parameters, and run on the
session's connection as plain rows (issue 18: building them and the ORM's work cost more than their SQL)."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any, NamedTuple

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import aliased, selectinload

from core.extensions import db
from core.identity.models import User
from core.security import require, scoped
from core.timeutil import local_today
from core.web.listing import ListQuery
from core.web.params import whole_number
from plugins.appraisal.models import STATES, Appraisal
from plugins.appraisal.permissions import HR, VIEW
from plugins.appraisal.services.cycles import annual_period, monthly_period, open_cycle
from plugins.appraisal.services.pulling import pull_cycle
from plugins.appraisal.services.reminders import overdue_query
from plugins.appraisal.views.common import bp, cycle_and_choices

APPEALS_SHOWN = 50

class _Statements(NamedTuple):
    """The overview's statements, built once per process (at first use: built at import, they configured every
    model's mappers before other plugins' models were imported)."""

    #: How many of the cycle's appraisals are in each state, and of them how many were made final before the cycle
    #: closed (R4.2: this cycle's figure; the regulation page shows the whole history's): one read of the cycle's rows.
    state_counts: Select
    #: The cycle's appraisals past their due day still waiting for someone, per reviewer (None: HR), most first;
    #: equal counts in the reviewers' order, HR first (as SQLite gave them when the order was the count's alone).
    overdue: Select
    #: The appeals waiting for a decision, the oldest first (at the same moment, the first opened).
    appeals: Select


@cache
def _statements() -> _Statements:
    in_cycle = Appraisal.cycle_id == bindparam("cycle_id")
    on_time = Appraisal.finalized_at < bindparam("closes_at", type_=Appraisal.finalized_at.type)
    reviewer, person = aliased(User), aliased(User)
    return _Statements(
        state_counts=(select(Appraisal.state, func.count(), func.count().filter(on_time))
                      .where(in_cycle).group_by(Appraisal.state)),
        overdue=(select(reviewer.id, reviewer.name, func.count().label("overdue"))
                 .select_from(Appraisal).outerjoin(reviewer, reviewer.id == Appraisal.reviewer_id)
                 .where(in_cycle, Appraisal.state.in_(("self_assessment", "superior_review")),
                        Appraisal.due_on < bindparam("today", type_=Appraisal.due_on.type))
                 .group_by(reviewer.id, reviewer.name)
                 .order_by(func.count().desc(), reviewer.id.asc().nulls_first())),
        appeals=(select(Appraisal.id, person.name, Appraisal.final_score, Appraisal.appealed_at)
                 .join(person, person.id == Appraisal.employee_id)
                 .where(in_cycle, Appraisal.state == "appealed")
                 .order_by(Appraisal.appealed_at, Appraisal.id).limit(APPEALS_SHOWN)))


def cycle_figures(cycle: Any, today: date) -> tuple[dict[str, int], int, list[Any], list[Any]]:
    """The cycle's counts by state (every state, 0 included), how many were made final on time, the overdue per
    reviewer as (id, name, count) and the appeals waiting as (id, name, final score, appealed at)."""
    connection, statements = db.session.connection(), _statements()
    found: dict[str, int] = {}
    on_time = 0
    for state, count, timely in connection.execute(statements.state_counts, {"cycle_id": cycle.id,
                                                                    "closes_at": cycle.closes_at}):
        found[state] = count
        on_time += timely
    counts = {state: int(found.get(state, 0)) for state in STATES}
    overdue = connection.execute(statements.overdue, {"cycle_id": cycle.id, "today": today}).all()
    appeals = connection.execute(statements.appeals, {"cycle_id": cycle.id}).all()
    return counts, on_time, overdue, appeals


@bp.get("/overview")
@require(HR)
def overview():  # type: ignore[no-untyped-def]
    db.session.flush()  # the statements below run on the connection: pending changes count, as with the ORM's
    cycle, cycles = cycle_and_choices(request.args.get("cycle"))
    today = local_today()
    counts: dict[str, int] = {}
    on_time = 0
    overdue: list[Any] = []
    appeals: list[Any] = []
    if cycle is not None:
        counts, on_time, overdue, appeals = cycle_figures(cycle, today)
    return render_template("appraisal/overview.html", cycle=cycle, counts=counts, overdue=overdue, appeals=appeals,
                           cycles=cycles, on_time=on_time, today=today, total=sum(counts.values()))


@bp.post("/cycles/open")
@require(HR)
def open_now():  # type: ignore[no-untyped-def]
    """Open (or complete) a cycle by hand, e.g. after adding templates mid-month: as idempotent as the job."""
    kind = request.form.get("kind")
    year = whole_number(request.form.get("year"), 2000, 2100)
    month = whole_number(request.form.get("month"), 1, 12)
    if kind not in ("monthly", "annual") or year is None or (kind == "monthly" and month is None):
        flash(_("Choose a month or a year to open."), "error")
        return redirect(url_for("appraisal.overview"))
    if kind == "monthly":
        period = monthly_period(date(year + (month == 12), month % 12 + 1, 1))
    else:
        period = annual_period(date(year + 1, 1, 1))
    if period.start >= local_today().replace(day=1) and kind == "monthly" or \
            kind == "annual" and period.end > local_today():
        flash(_("A period is appraised once it has ended."), "error")
        return redirect(url_for("appraisal.overview"))
    opening = open_cycle(db.session, kind, period)
    db.session.commit()
    from plugins.appraisal.models import Cycle

    cycle = db.session.get(Cycle, opening.cycle_id)
    pull_cycle(db.session, cycle, only_unread=True)
    db.session.commit()
    flash(_("%(n)s appraisals opened.", n=opening.created), "success")
    return redirect(url_for("appraisal.overview", cycle=opening.cycle_id))


@bp.get("/overdue")
@require(VIEW)
def overdue():  # type: ignore[no-untyped-def]
    """Appraisals past their due date, by reviewer: each manager sees their team's, HR everyone's."""
    reviewer = aliased(User)
    person = aliased(User)
    stmt = scoped(overdue_query().options(selectinload(Appraisal.reviewer)).join(person, person.id == Appraisal.employee_id)
                  .outerjoin(reviewer, reviewer.id == Appraisal.reviewer_id), Appraisal, VIEW, current_user)
    listing = ListQuery(stmt, sorts={"reviewer": reviewer.name, "due": Appraisal.due_on, "name": person.name},
                        default_sort="reviewer", search=[person.name], per_page=50)
    return render_template("appraisal/overdue.html", page=listing.page(), today=local_today())
