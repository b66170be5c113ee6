"""Research activities and industry events (R7.2.1, R7.2.3), and customers' needs by theme (R7.2.2)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from core.extensions import db
from core.identity.models import User
from core.security import can, require
from core.timeutil import local_today
from core.web.params import whole_number
from plugins.analytics.models import NEED_SOURCES, ActivityLead, CustomerNeed, ResearchActivity
from plugins.analytics.permissions import MARKET_REPORT, MARKET_VIEW
from plugins.analytics.services.market import MarketError
from plugins.analytics.services.research import link_lead, record_need, save_activity, theme_trend
from plugins.analytics.views.common import bp, chart_json

PAGE_SIZE = 50


def kind_labels() -> dict[str, str]:
    return {"survey": _("Survey"), "interview": _("Interviews"), "desk": _("Desk research"),
            "trade_show": _("Trade show"), "seminar": _("Seminar")}


def source_labels() -> dict[str, str]:
    return {"interaction": _("Customer contact"), "survey": _("Satisfaction survey"), "research": _("Research"),
            "event": _("Trade show or seminar"), "other": _("Other")}


def _day(raw: Any) -> date | None:
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def _page() -> int:
    return whole_number(request.args.get("page"), minimum=1, maximum=100000) or 1


@bp.route("/research", methods=["GET", "POST"])
@require(MARKET_VIEW)
def research():  # type: ignore[no-untyped-def]
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not can(current_user, MARKET_REPORT):
            abort(403)
        try:
            activity = save_activity(
                db.session, current_user, None, kind=request.form.get("kind", ""), title=request.form.get("title"),
                held_on=_day(request.form.get("held_on")), place=request.form.get("place"),
                method=request.form.get("method"), sample=request.form.get("sample"),
                findings=request.form.get("findings"), attendees=request.form.get("attendees"),
                cost=request.form.get("cost"), leads=request.form.get("leads"))
        except MarketError as exc:
            db.session.rollback()
            errors[exc.field or "title"] = str(exc.message)
        else:
            db.session.commit()
            flash(_("Activity recorded."), "success")
            return redirect(url_for("analytics.activity", activity_id=activity.id))
    page = _page()
    rows = db.session.execute(
        select(ResearchActivity, User.name).join(User, User.id == ResearchActivity.owner_id)
        .order_by(ResearchActivity.held_on.desc(), ResearchActivity.id.desc())
        .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("analytics/research.html", rows=rows[:PAGE_SIZE], has_next=len(rows) > PAGE_SIZE,
                           page=page, errors=errors, form=request.form, kinds=kind_labels(),
                           may_report=can(current_user, MARKET_REPORT), today=local_today()), \
        422 if errors else 200


@bp.route("/research/<int:activity_id>", methods=["GET", "POST"])
@require(MARKET_VIEW)
def activity(activity_id: int):  # type: ignore[no-untyped-def]
    item = db.session.get(ResearchActivity, activity_id)
    if item is None:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":  # link a customer the activity brought (R7.2.3)
        if not can(current_user, MARKET_REPORT):
            abort(403)
        try:
            link_lead(db.session, current_user, item, request.form.get("customer"))
        except MarketError as exc:
            db.session.rollback()
            errors[exc.field or "customer"] = str(exc.message)
        else:
            db.session.commit()
            flash(_("Customer linked."), "success")
            return redirect(url_for("analytics.activity", activity_id=item.id))
    owner = db.session.get(User, item.owner_id)
    leads = db.session.scalars(select(ActivityLead).where(ActivityLead.activity_id == item.id)
                               .order_by(ActivityLead.title)).all()
    return render_template("analytics/activity.html", activity=item, owner=owner, kinds=kind_labels(), leads=leads,
                           errors=errors, form=request.form, may_report=can(current_user, MARKET_REPORT)), \
        422 if errors else 200


@bp.route("/needs", methods=["GET", "POST"])
@require(MARKET_VIEW)
def needs():  # type: ignore[no-untyped-def]
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not can(current_user, MARKET_REPORT):
            abort(403)
        try:
            record_need(db.session, current_user, theme=request.form.get("theme"), text=request.form.get("text"),
                        source=request.form.get("source", ""), noted_on=_day(request.form.get("noted_on")),
                        customer_name=request.form.get("customer_name"))
        except MarketError as exc:
            db.session.rollback()
            errors[exc.field or "text"] = str(exc.message)
        else:
            db.session.commit()
            flash(_("Need recorded."), "success")
            return redirect(url_for("analytics.needs"))
    today = local_today()
    start = date(today.year - (today.month < 12), today.month % 12 + 1, 1)  # the twelve months up to this one
    trend = theme_trend(db.session, start)
    theme = (request.args.get("theme") or "").strip()[:60]
    stmt = select(CustomerNeed, User.name).join(User, User.id == CustomerNeed.reported_by_id)
    if theme:
        stmt = stmt.where(CustomerNeed.theme == theme)
    page = _page()
    rows = db.session.execute(stmt.order_by(CustomerNeed.noted_on.desc(), CustomerNeed.id.desc())
                              .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    known_themes = list(db.session.scalars(select(CustomerNeed.theme).group_by(CustomerNeed.theme)
                                           .order_by(func.count().desc()).limit(50)))
    chart = chart_json("line", trend.months, [(t, counts) for t, counts, _total in trend.themes]) \
        if trend.themes else None
    return render_template("analytics/needs.html", rows=rows[:PAGE_SIZE], has_next=len(rows) > PAGE_SIZE,
                           page=page, theme=theme, trend=trend, chart=chart, errors=errors, form=request.form,
                           sources=source_labels(), source_codes=NEED_SOURCES, known_themes=known_themes,
                           may_report=can(current_user, MARKET_REPORT), today=today), 422 if errors else 200

