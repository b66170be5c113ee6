"""Recognition (R8.1.3, R10): kudos, the leaderboard per KPI and team, award definitions (HR) and the managers'
decisions on suggested awards."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.security import has_team, require
from core.timeutil import local_today, month_period
from plugins.team import forms
from plugins.team.models import Award, AwardType, Kudos, people_without_roles
from plugins.team.services import TeamError
from plugins.team.services import recognition as service
from plugins.team.services.kpi_values import definitions as kpi_definitions
from plugins.team.views.common import bp, may, or_404, page_number

VIEW, DEFINE, CONFIRM = "team.recognition.view", "team.award.define", "team.award.confirm"
PER_PAGE = 20


def _month_arg() -> date:
    """?month=2026-11 (a bad value falls back to last month)."""
    raw = (request.args.get("month") or "").strip()
    try:
        year, month = (int(part) for part in raw.split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    except ValueError:
        pass
    return service.previous_month().start


def _recognition_page(form: forms.KudosForm, status: int = 200):  # type: ignore[no-untyped-def]
    page = page_number()
    rows = list(db.session.scalars(select(Kudos).options(*people_without_roles(Kudos.sender, Kudos.recipient)).order_by(Kudos.created_at.desc(), Kudos.id.desc())
                                   .limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)).unique())
    kpis = dict(sorted(kpi_definitions().items()))
    kpi_key = request.args.get("kpi") or next(iter(kpis), None)
    kpi_key = kpi_key if kpi_key in kpis else next(iter(kpis), None)
    month = _month_arg()
    scope = request.args.get("scope", "team" if has_team(current_user) else "all")
    leader = current_user.id if scope == "team" and has_team(current_user) else None
    board = service.leaderboard(db.session, kpi_key, leader, month_period(month.year, month.month)) if kpi_key else []
    return render_template("team/recognition.html", form=form, kudos=rows[:PER_PAGE], page=page,
                           has_next=len(rows) > PER_PAGE, kpis=kpis, kpi_key=kpi_key, month=month, board=board,
                           scope="team" if leader else "all", has_team=has_team(current_user)), status


@bp.get("/recognition")
@require(VIEW)
def recognition():  # type: ignore[no-untyped-def]
    form = forms.KudosForm()
    return _recognition_page(form)


@bp.post("/recognition/kudos")
@require(VIEW)
def give_kudos():  # type: ignore[no-untyped-def]
    form = forms.KudosForm()
    if form.validate_on_submit():
        try:
            service.give_kudos(db.session, current_user, to_id=form.to_id.data, reason=form.reason.data)
        except TeamError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Kudos sent."), "success")
            return redirect(url_for("team.recognition"))
    return _recognition_page(form, 422)


def _awards_page(form: forms.AwardTypeForm | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    form = form or forms.AwardTypeForm()
    labels = service.criteria()
    form.kpi_key.choices = sorted(labels.items())
    types = list(db.session.scalars(select(AwardType).order_by(AwardType.name)))
    waiting = list(db.session.scalars(select(Award).where(Award.state == "suggested")
                                      .order_by(Award.period_start.desc(), Award.award_type_id, Award.rank)
                                      .limit(100)).unique())
    decided = list(db.session.scalars(select(Award).where(Award.state == "confirmed")
                                      .order_by(Award.period_start.desc(), Award.id.desc()).limit(30)).unique())
    return render_template("team/awards.html", form=form, types=types, waiting=waiting, decided=decided,
                           kpi_labels=labels, appraisal_key=service.APPRAISAL_KEY,
                           may_define=may(DEFINE), may_confirm=may(CONFIRM),
                           last_month=service.previous_month(local_today())), status


@bp.get("/awards")
@require(VIEW)
def awards():  # type: ignore[no-untyped-def]
    return _awards_page()


@bp.post("/awards/types")
@require(DEFINE)
def define_award():  # type: ignore[no-untyped-def]
    form = forms.AwardTypeForm()
    form.kpi_key.choices = sorted(service.criteria().items())
    if form.validate_on_submit():
        try:
            service.define_award(db.session, name=form.name.data, kpi_key=form.kpi_key.data,
                                 description=form.description.data, winners=form.winners.data,
                                 min_value=form.min_value.data, newcomer_days=form.newcomer_days.data)
        except TeamError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Award defined."), "success")
            return redirect(url_for("team.awards"))
    return _awards_page(form, 422)


@bp.post("/awards/suggest")
@require(DEFINE)
def suggest_awards():  # type: ignore[no-untyped-def]
    made = service.suggest(db.session, service.previous_month(local_today()))
    db.session.commit()
    flash(_("%(count)s awards suggested from last month's KPIs.", count=len(made)), "success")
    return redirect(url_for("team.awards"))


@bp.post("/awards/<int:award_id>/decide")
@require(CONFIRM)
def decide_award(award_id: int):  # type: ignore[no-untyped-def]
    award = or_404(db.session.get(Award, award_id))
    confirm = request.form.get("decision") == "confirm"
    try:
        service.decide(db.session, award, current_user, confirm)
    except TeamError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
    else:
        db.session.commit()
        flash(_("Award confirmed; the winner is told.") if confirm else _("Suggestion rejected."), "success")
    return redirect(url_for("team.awards"))
