"""HR's overview of a cycle (counts by state, overdue per reviewer, appeals waiting) in a fixed number of
statements; opening a cycle by hand; the overdue list (R4.2)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
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
from plugins.appraisal.views.common import bp, cycle_choices, cycle_from

APPEALS_SHOWN = 50


@bp.get("/overview")
@require(HR)
def overview():  # type: ignore[no-untyped-def]
    cycle = cycle_from(request.args.get("cycle"))
    counts: dict[str, int] = {}
    on_time = 0
    overdue: list[Any] = []
    appeals: list[Any] = []
    if cycle is not None:
        found = dict(db.session.execute(select(Appraisal.state, func.count(Appraisal.id))
                                        .where(Appraisal.cycle_id == cycle.id).group_by(Appraisal.state)).all())
        counts = {state: int(found.get(state, 0)) for state in STATES}
        # This cycle's R4.2 figure (the regulation page shows the whole history's).
        on_time = db.session.scalar(select(func.count(Appraisal.id)).where(
            Appraisal.cycle_id == cycle.id, Appraisal.finalized_at < cycle.closes_at)) or 0
        reviewer = aliased(User)
        overdue = db.session.execute(
            select(reviewer.id, reviewer.name, func.count(Appraisal.id))
            .select_from(Appraisal).outerjoin(reviewer, reviewer.id == Appraisal.reviewer_id)
            .where(Appraisal.cycle_id == cycle.id, Appraisal.state.in_(("self_assessment", "superior_review")),
                   Appraisal.due_on < local_today())
            .group_by(reviewer.id, reviewer.name).order_by(func.count(Appraisal.id).desc())).all()
        person = aliased(User)
        appeals = db.session.execute(
            select(Appraisal.id, person.name, Appraisal.final_score, Appraisal.appealed_at)
            .join(person, person.id == Appraisal.employee_id)
            .where(Appraisal.cycle_id == cycle.id, Appraisal.state == "appealed")
            .order_by(Appraisal.appealed_at).limit(APPEALS_SHOWN)).all()
    return render_template("appraisal/overview.html", cycle=cycle, counts=counts, overdue=overdue, appeals=appeals,
                           cycles=cycle_choices(), on_time=on_time, today=local_today(),
                           total=sum(counts.values()))


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
