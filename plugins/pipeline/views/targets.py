"""Sales targets (R2.3.1, R2.2.1, R2.2.3): the manager sets the company's annual target; supervisors break it
down to their representatives and months; everyone sees progress (revenue against target)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.identity.models import User
from core.security import require, scope_for, team_condition
from core.timeutil import local_today
from core.web.listing import ListQuery
from core.web.params import whole_number
from plugins.pipeline import forms
from plugins.pipeline.kpis import revenue
from plugins.pipeline.services import PipelineError
from plugins.pipeline.services.progress import Progress, targets_of_year, year_period
from plugins.pipeline.services.quotations import level_of
from plugins.pipeline.services.targets import set_target
from plugins.pipeline.views.common import DEAL_VIEW, bp, may

MANAGE = "pipeline.target.manage"


def visible_reps(user: object) -> Any:
    """A select of the representatives whose targets ``user`` sees: their own, their team's, or all (by the deal
    scope)."""
    stmt = select(User.id, User.name).where(User.active, User.position == "sales_rep")
    scope = scope_for(user, DEAL_VIEW)
    if scope == "own":
        stmt = stmt.where(User.id == user.id)  # type: ignore[attr-defined]
    elif scope == "team":
        stmt = stmt.where(team_condition(User.id, user))  # one array parameter on PostgreSQL
    return stmt


def rep_listing(user: object) -> ListQuery:
    """The representatives' table, a page at a time (a large sales force made one endless table)."""
    return ListQuery(visible_reps(user), sorts={"name": User.name}, default_sort="name", search=[User.name],
                     per_page=25)


def _year() -> int:
    return whole_number(request.values.get("year"), minimum=2000, maximum=2100) or local_today().year


@bp.route("/targets", methods=["GET", "POST"])
@require(DEAL_VIEW)
def targets():  # type: ignore[no-untyped-def]
    year = _year()
    # Every visible representative (id and name: one light query) for the form, the company total and the sum of
    # the breakdown; the table shows one page of them.
    reps = db.session.execute(visible_reps(current_user).order_by(User.name)).all()
    managing = may(MANAGE)
    company_level = managing and level_of(current_user) == "manager"
    form = forms.TargetForm(year=year)
    form.user_id.choices = ([("", _("The company (annual target)"))] if company_level else []) + \
        [(str(r.id), r.name) for r in reps]
    form.month.choices = [("", _("Whole year"))] + [(str(m), str(m)) for m in range(1, 13)]
    if request.method == "POST":
        if not managing:
            return redirect(url_for("pipeline.targets", year=year))
        if form.validate():
            user_id, month = form.user_id.data, form.month.data
            if user_id is None and not company_level:
                form.user_id.errors.append(_("Only the sales manager sets the company's annual target."))
            elif user_id is not None and user_id not in {r.id for r in reps}:
                form.user_id.errors.append(_("Choose one of your representatives."))
            else:
                try:
                    set_target(db.session, year=form.year.data, amount=form.amount.data, set_by=current_user,
                               user_id=user_id, month=month)
                except PipelineError as exc:
                    db.session.rollback()
                    forms.attach_error(form, exc)
                else:
                    db.session.commit()
                    flash(_("Target saved."), "success")
                    return redirect(url_for("pipeline.targets", year=form.year.data))
    ids = [r.id for r in reps]
    all_targets = targets_of_year(db.session, year, ids)
    page = rep_listing(current_user).page()
    page_ids = [r.id for r in page.items]
    company = None
    if scope_for(current_user, DEAL_VIEW) == "all":  # the company's total needs everyone's revenue: one statement
        done = revenue(ids, year_period(year)) if ids else {}
        company = Progress(all_targets.get((None, None)), sum(done.values(), Decimal("0")))
    else:
        done = revenue(page_ids, year_period(year)) if page_ids else {}
    progress = {uid: Progress(all_targets.get((uid, None)), done[uid]) for uid in page_ids}
    return render_template("pipeline/targets.html", year=year, page=page, progress=progress, targets=all_targets,
                           company=company, form=form if managing else None,
                           broken_down=sum((all_targets.get((r.id, None)) or Decimal("0")) for r in reps)), \
        422 if form.errors else 200
