"""Competitors and their prices (R7.2.1, R2.1.5, R2.3.4): the list, a competitor's page, the price form, charts."""

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
from core.web.params import record_id
from plugins.analytics.models import PRICE_CHANNELS, Competitor, PriceObservation
from plugins.analytics.permissions import MARKET_MANAGE, MARKET_REPORT, MARKET_VIEW
from plugins.analytics.services.market import (
    MarketError,
    observed_products,
    price_history,
    record_price,
    record_share,
    save_competitor,
    share_table,
)
from plugins.analytics.views.common import bp, chart_json

PAGE_SIZE = 50


def channel_labels() -> dict[str, str]:
    return {"tmall": _("Tmall"), "jd": _("JD.com"), "douyin": _("Douyin"), "wechat_shop": _("WeChat shop"),
            "website": _("Own website"), "offline": _("Offline store"), "other": _("Other")}


@bp.route("/competitors", methods=["GET", "POST"])
@require(MARKET_VIEW)
def competitors():  # type: ignore[no-untyped-def]
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not can(current_user, MARKET_MANAGE):
            abort(403)
        try:
            competitor = save_competitor(db.session, None, name=request.form.get("name"),
                                         website=request.form.get("website"),
                                         strengths=request.form.get("strengths"),
                                         weaknesses=request.form.get("weaknesses"))
        except MarketError as exc:
            db.session.rollback()
            errors[exc.field or "name"] = str(exc.message)
        else:
            db.session.commit()
            flash(_("Competitor recorded."), "success")
            return redirect(url_for("analytics.competitor", competitor_id=competitor.id))
    counts = dict(db.session.execute(select(PriceObservation.competitor_id, func.count())
                                     .group_by(PriceObservation.competitor_id)).all())
    rows = db.session.scalars(select(Competitor).where(Competitor.active).order_by(Competitor.name)).all()
    product = request.args.get("product") or ""
    products = observed_products(db.session)
    if not product and products:
        product = products[0]
    history = price_history(db.session, product) if product else []
    chart = _price_chart(history) if history else None
    return render_template("analytics/competitors.html", competitors=rows, counts=counts, errors=errors,
                           shares=share_table(db.session), share_errors={}, share_form={},
                           form=request.form, may_manage=can(current_user, MARKET_MANAGE),
                           may_report=can(current_user, MARKET_REPORT), products=products, product=product,
                           history=history, chart=chart), 422 if errors else 200


def _price_chart(history: list[Any]) -> Any:
    months = sorted({p.month for p in history})
    names = sorted({p.competitor for p in history})
    series = [(name, [next((p.average for p in history if p.month == m and p.competitor == name), None)
                      for m in months]) for name in names]
    ours = {p.month: p.ours for p in history if p.ours is not None}
    if ours:
        series.append((_("Our price"), [ours.get(m) for m in months]))
    return chart_json("line", months, series, {"spanGaps": True})


@bp.route("/competitors/<int:competitor_id>", methods=["GET", "POST"])
@require(MARKET_VIEW)
def competitor(competitor_id: int):  # type: ignore[no-untyped-def]
    item = db.session.get(Competitor, competitor_id)
    if item is None:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not can(current_user, MARKET_REPORT):
            abort(403)
        try:
            observed_on = date.fromisoformat(request.form.get("observed_on") or "")
        except ValueError:
            observed_on = None
        try:
            record_price(db.session, current_user, competitor_id=item.id,
                         their_product=request.form.get("their_product"),
                         our_product=request.form.get("our_product"), observed_on=observed_on,
                         channel=request.form.get("channel", ""), price_value=request.form.get("price"),
                         our_price=request.form.get("our_price"), promotion=request.form.get("promotion"))
        except MarketError as exc:
            db.session.rollback()
            errors[exc.field or "price"] = str(exc.message)
            if exc.field == "observed_on" and request.form.get("observed_on") and observed_on is None:
                errors["observed_on"] = _("Enter dates as 2026-03-31.")
        else:
            db.session.commit()
            flash(_("Price recorded."), "success")
            return redirect(url_for("analytics.competitor", competitor_id=item.id))
    page = max(record_id(request.args.get("page")) or 1, 1)
    observations = db.session.execute(
        select(PriceObservation, User.name).join(User, User.id == PriceObservation.reported_by_id)
        .where(PriceObservation.competitor_id == item.id)
        .order_by(PriceObservation.observed_on.desc(), PriceObservation.id.desc())
        .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("analytics/competitor.html", competitor=item, observations=observations[:PAGE_SIZE],
                           has_next=len(observations) > PAGE_SIZE, page=page, errors=errors, form=request.form,
                           channels=[(c, channel_labels()[c]) for c in PRICE_CHANNELS],
                           channel_labels=channel_labels(), may_report=can(current_user, MARKET_REPORT),
                           today=local_today()), 422 if errors else 200


@bp.post("/market-shares")
@require(MARKET_REPORT)
def market_shares():  # type: ignore[no-untyped-def]
    """Record an estimate of a company's market share (R7.2.1); errors show on the competitors page."""
    raw = request.form.get("competitor_id", "")
    competitor_id = record_id(raw) if raw not in ("", "us") else None
    try:
        if raw not in ("", "us") and competitor_id is None:
            raise MarketError(_("Choose a competitor."), "competitor_id")  # not silently "our company"
        record_share(db.session, current_user, period=request.form.get("period"), region=request.form.get("region"),
                     competitor_id=competitor_id, share=request.form.get("share"),
                     source=request.form.get("source"))
    except MarketError as exc:
        db.session.rollback()
        rows = db.session.scalars(select(Competitor).where(Competitor.active).order_by(Competitor.name)).all()
        return render_template("analytics/competitors.html", competitors=rows, counts={}, errors={}, form={},
                               shares=share_table(db.session), share_errors={exc.field or "share": str(exc.message)},
                               share_form=request.form, may_manage=can(current_user, MARKET_MANAGE),
                               may_report=True, products=observed_products(db.session), product="", history=[],
                               chart=None), 422
    db.session.commit()
    flash(_("Market share recorded."), "success")
    return redirect(url_for("analytics.competitors") + "#market-shares")
