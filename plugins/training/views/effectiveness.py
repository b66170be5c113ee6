"""Training effectiveness (R3.2.4): for a course, the KPIs of the people who completed it in a period, N weeks
before and after, against a comparison group that never took it; plus exam averages and feedback."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.extensions import db
from core.security import require
from core.timeutil import local_today
from plugins.training import forms
from plugins.training.models import TrainingCourse, TrainingFeedback
from plugins.training.permissions import REPORT_VIEW
from plugins.training.services.courses import course_choices
from plugins.training.services.effectiveness import available_kpis, measure
from plugins.training.views.common import bp

DEFAULT_KPIS = ("pipeline.revenue", "pipeline.orders", "pipeline.target_completion")


@bp.get("/effectiveness")
@require(REPORT_VIEW)
def effectiveness():  # type: ignore[no-untyped-def]
    from core.settings import get_setting

    kpis = available_kpis()
    form = forms.EffectForm(request.args)
    form.course_id.choices = [("", "")] + [(str(i), t) for i, t in course_choices(db.session)]
    form.kpis.choices = [(key, str(k.label)) for key, k in sorted(kpis.items())]
    today = local_today()
    report = course = feedback = None
    valid = form.validate()
    if not request.args.get("kpis"):
        form.kpis.data = [k for k in DEFAULT_KPIS if k in kpis] or list(kpis)[:3]
    start = form.start.data or today - timedelta(days=90)
    end = form.end.data or today
    if valid and end <= start:
        form.end.errors = [*form.end.errors, _("The end must come after the start.")]
        valid = False
    course_id = forms.optional_id(form.course_id.data)
    if valid and course_id:
        course = db.session.get(TrainingCourse, course_id)
    if course is not None:
        weeks = form.weeks.data or int(get_setting("training.effect_weeks"))
        report = measure(db.session, course.id, start, end, weeks,
                         [k for k in form.kpis.data or [] if k in kpis], today)
        feedback = db.session.execute(select(func.avg(TrainingFeedback.rating), func.count(TrainingFeedback.id))
                                      .where(TrainingFeedback.course_id == course.id)).one()
    return render_template("training/effectiveness.html", form=form, report=report, course=course,
                           feedback=feedback, start=start, end=end), 200 if valid or not request.args else 422
