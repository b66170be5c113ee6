"""Personal training plans (R3.2.3, R4.4.3): the list, a plan's page, building one, confirming a proposed draft,
ticking items; HR's mapping from appraisal indicators to courses."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.contracts import KPIDef
from core.extensions import db
from core.identity.models import User
from core.security import can, get_scoped_or_404, require, scoped
from core.web.listing import Filter, ListQuery
from core.web.params import whole_number
from plugins.training import forms
from plugins.training.labels import PLAN_STATE_LABELS
from plugins.training.models import IndicatorCourse, TrainingPlan, TrainingPlanItem
from plugins.training.permissions import ONBOARDING_MANAGE, PLAN_MANAGE, RECORD_VIEW
from plugins.training.services import TrainingError
from plugins.training.services import plans as service
from plugins.training.services.courses import course_choices
from plugins.training.views.common import bp, get_or_404, people_in_scope, person_in_scope_or_404


def plan_listing(user: object) -> ListQuery:
    stmt = scoped(select(TrainingPlan).join(User, User.id == TrainingPlan.user_id), TrainingPlan, RECORD_VIEW, user)
    return ListQuery(stmt, sorts={"created": TrainingPlan.created_at, "name": User.name},
                     default_sort="-created", search=[User.name, TrainingPlan.title],
                     filters=[Filter.choice("state", _l("State"), TrainingPlan.state,
                                            list(PLAN_STATE_LABELS.items()))],
                     per_page=25)


@bp.get("/plans")
@require(RECORD_VIEW)
def plans():  # type: ignore[no-untyped-def]
    return render_template("training/plans.html", page=plan_listing(current_user).page(),
                           building=can(current_user, PLAN_MANAGE))


@bp.route("/plans/new", methods=["GET", "POST"])
@require(PLAN_MANAGE)
def new_plan():  # type: ignore[no-untyped-def]
    form = forms.PlanForm()
    form.user_id.choices = people_in_scope(PLAN_MANAGE)
    if request.method == "GET" and request.args.get("user_id"):
        form.user_id.data = request.args["user_id"]
    if form.validate_on_submit():
        person = person_in_scope_or_404(forms.optional_id(form.user_id.data), PLAN_MANAGE)
        try:
            plan = service.create_plan(db.session, current_user, person, title=form.title.data,
                                       goals=form.goals.data, reason=form.reason.data)
        except TrainingError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Plan created; add courses, coaching sessions and goals."), "success")
            return redirect(url_for("training.plan", plan_id=plan.id))
    return render_template("training/form.html", form=form, title=_("New personal plan"),
                           back=url_for("training.plans")), 422 if form.errors else 200


def _plan_or_404(plan_id: int, permission: str = RECORD_VIEW) -> TrainingPlan:
    return get_scoped_or_404(TrainingPlan, plan_id, permission)


@bp.get("/plans/<int:plan_id>")
@require(RECORD_VIEW)
def plan(plan_id: int):  # type: ignore[no-untyped-def]
    item = _plan_or_404(plan_id)
    managing = can(current_user, PLAN_MANAGE, item)
    form = forms.PlanItemForm()
    form.course_id.choices = [("", _("(choose)"))] + [(str(i), t) for i, t in course_choices(db.session)]
    return render_template("training/plan.html", plan=item, managing=managing, form=form)


@bp.post("/plans/<int:plan_id>/items")
@require(PLAN_MANAGE)
def add_plan_item(plan_id: int):  # type: ignore[no-untyped-def]
    item = _plan_or_404(plan_id, PLAN_MANAGE)
    form = forms.PlanItemForm()
    form.course_id.choices = []
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors) or _("Check the item."), "error")
        return redirect(url_for("training.plan", plan_id=item.id))
    try:
        service.add_item(db.session, item, kind=form.kind.data, by=current_user,
                         course_id=forms.optional_id(form.course_id.data), title=form.title.data,
                         due_date=form.due_date.data)
    except TrainingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Added to the plan."), "success")
    return redirect(url_for("training.plan", plan_id=item.id))


@bp.post("/plans/<int:plan_id>/state")
@require(PLAN_MANAGE)
def plan_state(plan_id: int):  # type: ignore[no-untyped-def]
    item = _plan_or_404(plan_id, PLAN_MANAGE)
    action = request.form.get("action")
    try:
        if action == "confirm":
            service.confirm(db.session, item, current_user, whole_number(request.form.get("version")))
            message = _("Plan confirmed: its courses are assigned.")
        else:
            service.set_state(db.session, item, "completed" if action == "complete" else "cancelled"
                              if action == "cancel" else "")
            message = _("Plan closed.")
    except TrainingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("training.plan", plan_id=plan_id))


@bp.post("/plan-items/<int:item_id>")
@require(RECORD_VIEW)
def tick_plan_item(item_id: int):  # type: ignore[no-untyped-def]
    """The person or their supervisor ticks an item of an active plan."""
    entry = get_or_404(TrainingPlanItem, item_id)
    plan = _plan_or_404(entry.plan_id)
    if plan.user_id != current_user.id and not can(current_user, PLAN_MANAGE, plan):
        abort(403)
    try:
        service.set_item_done(db.session, entry, request.form.get("done") != "0")
    except TrainingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
    return redirect(url_for("training.plan", plan_id=plan.id))


@bp.route("/mapping", methods=["GET", "POST"])
@require(ONBOARDING_MANAGE)
def mapping():  # type: ignore[no-untyped-def]
    """HR's mapping: which courses train which appraisal indicator (drafts from appraisals use it)."""
    from flask import current_app

    kpis = {k.key: str(k.label) for k in current_app.extensions["netsales"].collect("register_kpis", KPIDef)}
    form = forms.MappingForm()
    form.course_id.choices = [(str(i), t) for i, t in course_choices(db.session)]
    form.kpi.choices = [("", _("(none)"))] + sorted(kpis.items(), key=lambda pair: pair[1])
    if request.method == "POST" and not request.form.get("remove") and form.validate_on_submit():
        indicator = form.kpi.data if form.kpi.data in kpis else form.indicator_name.data
        try:
            service.set_mapping(db.session, indicator, forms.optional_id(form.course_id.data))
        except TrainingError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Mapping saved."), "success")
            return redirect(url_for("training.mapping"))
    if request.method == "POST" and request.form.get("remove"):
        row = db.session.get(IndicatorCourse, whole_number(request.form.get("remove"), minimum=1) or 0)
        if row is not None:
            db.session.delete(row)
            db.session.commit()
            flash(_("Mapping removed."), "success")
        return redirect(url_for("training.mapping"))
    rows = list(db.session.scalars(select(IndicatorCourse).order_by(IndicatorCourse.indicator)))
    return render_template("training/mapping.html", form=form, rows=rows, kpis=kpis), 422 if form.errors else 200
