"""Cross-department issues (R8.2.3): the list, raising one, an issue with its state changes and comments (the
core timeline), and the report of open and overdue issues by department."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.security import require
from core.timeutil import utcnow
from core.web.params import whole_number
from plugins.team import forms
from plugins.team.models import ISSUE_STATES, Issue, people_without_roles
from plugins.team.services import TeamError
from plugins.team.services import issues as service
from plugins.team.views.common import (
    bp,
    department_choices,
    or_404,
    page_number,
)

VIEW = "team.issue.view"
PER_PAGE = 25


def issue_or_404(issue_id: int) -> Issue:
    issue = or_404(db.session.get(Issue, issue_id))
    if db.session.scalar(select(Issue.id).where(Issue.id == issue.id, service.visible(current_user))) is None:
        abort(404)
    return issue


@bp.get("/issues")
@require(VIEW)
def issues():  # type: ignore[no-untyped-def]
    page = page_number()
    state = request.args.get("state", "active")
    stmt = select(Issue).where(service.visible(current_user))
    if state == "active":
        stmt = stmt.where(Issue.state.in_(("open", "in_progress")))
    elif state in ISSUE_STATES:
        stmt = stmt.where(Issue.state == state)
    else:
        state = "all"
    if request.args.get("overdue") == "1":
        stmt = stmt.where(Issue.state.in_(("open", "in_progress")), Issue.sla_due_at < utcnow())
    stmt = stmt.options(*people_without_roles(Issue.assignee, Issue.raised_by, Issue.escalated_to))
    rows = list(db.session.scalars(stmt.order_by(Issue.sla_due_at, Issue.id).limit(PER_PAGE + 1)
                                   .offset((page - 1) * PER_PAGE)).unique())
    return render_template("team/issues.html", issues=rows[:PER_PAGE], page=page, has_next=len(rows) > PER_PAGE,
                           state=state, overdue=request.args.get("overdue") == "1", now=utcnow())


@bp.route("/issues/new", methods=["GET", "POST"])
@require(VIEW)
def new_issue():  # type: ignore[no-untyped-def]
    form = forms.IssueForm()
    form.target_department_id.choices = department_choices(empty=_("Choose…"))
    if form.validate_on_submit():
        try:
            issue = service.raise_issue(db.session, current_user, title=form.title.data,
                                        description=form.description.data, severity=form.severity.data,
                                        target_department_id=form.target_department_id.data,
                                        assignee_id=form.assignee_id.data)
        except TeamError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Issue raised; the department is told."), "success")
            return redirect(url_for("team.issue", issue_id=issue.id))
    return render_template("team/form.html", form=form, title=_("Raise a cross-department issue"),
                           cancel_url=url_for("team.issues"),
                           crumbs=[(_("Cross-department issues"), url_for("team.issues"))]), \
        422 if form.errors else 200


@bp.get("/issues/<int:issue_id>")
@require(VIEW)
def issue(issue_id: int):  # type: ignore[no-untyped-def]
    issue = issue_or_404(issue_id)
    return _issue_page(issue)


def _issue_page(issue: Issue, assign_form: forms.AssignForm | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    may_handle = service.may_handle(current_user, issue)
    assign_form = assign_form or forms.AssignForm(assignee_id=issue.assignee_id)
    return render_template("team/issue.html", issue=issue, now=utcnow(), may_handle=may_handle,
                           assign_form=assign_form, next_states=service.next_states(current_user, issue)), status


@bp.post("/issues/<int:issue_id>/assign")
@require(VIEW)
def assign_issue(issue_id: int):  # type: ignore[no-untyped-def]
    issue = issue_or_404(issue_id)
    form = forms.AssignForm()
    if not form.validate_on_submit():
        return _issue_page(issue, form, 422)
    try:
        service.assign(db.session, issue, current_user, form.assignee_id.data)
    except TeamError as exc:
        db.session.rollback()
        forms.attach_error(form, exc, "assignee_id")
        return _issue_page(issue_or_404(issue_id), form, 422)
    db.session.commit()
    flash(_("Issue assigned."), "success")
    return redirect(url_for("team.issue", issue_id=issue_id))


@bp.post("/issues/<int:issue_id>/state")
@require(VIEW)
def issue_state(issue_id: int):  # type: ignore[no-untyped-def]
    issue = issue_or_404(issue_id)
    try:
        service.change_state(db.session, issue, current_user, request.form.get("state", ""),
                             resolution=request.form.get("resolution"),
                             expected_version=whole_number(request.form.get("version"), minimum=1))
    except TeamError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        db.session.commit()
        flash(_("Issue updated."), "success")
    return redirect(url_for("team.issue", issue_id=issue_id))


@bp.get("/issues/report")
@require(VIEW)
def issues_report():  # type: ignore[no-untyped-def]
    return render_template("team/issues_report.html", rows=service.report_by_department(db.session))
