"""The sales dashboards (R7.1.1, R7.1.2): trend against last year, channels and shops, products, customer behaviour.

Each figure is one aggregate statement over the order lines the reader may see (their own, their team's, all), read
from the sales summary ("figures as of 14:05") unless the reader asks for the live figures (?live=1)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from core.security import require
from core.timeutil import local_today
from plugins.analytics.permissions import VIEW
from plugins.analytics.services import sales as figures
from plugins.analytics.services import summary
from plugins.analytics.services.catalogue import column, value_labels
from plugins.analytics.views.common import bp, chart_json, period_args, year_arg


def _year_period(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)


@bp.route("/")
@require(VIEW)
def sales():  # type: ignore[no-untyped-def]
    dataset = figures.sales_dataset(current_user)
    today = local_today()
    year = year_arg(request.args, today.year)
    if dataset is None:
        return render_template("analytics/sales.html", dataset=None, year=year)
    start, end, error = period_args(request.args, *_year_period(year))
    grain = request.args.get("grain") if request.args.get("grain") in figures.TREND_GRAINS else "month"
    live = request.args.get("live") == "1"
    trend = figures.trend(dataset, current_user, year, grain, live=live)
    channel_names = value_labels(column(dataset, "channel"))

    def channel_label(code: object) -> str:
        return channel_names.get(str(code), str(code)) if code else _("(empty)")

    channels = [(channel_label(c), v) for c, v in figures.revenue_by(dataset, current_user, "channel", start, end,
                                                                     live)]
    shops = [(channel_label(r.channel), r.shop or _("Not from a shop"), r.revenue)
             for r in figures.revenue_by_shop(dataset, current_user, start, end, live)]
    categories = figures.pareto(dataset, current_user, "category", start, end, live)
    products = figures.pareto(dataset, current_user, "product", start, end, live)
    representatives = figures.representatives(dataset, current_user, start, end, live)
    regions = figures.revenue_by(dataset, current_user, "region", start, end, live)
    labels = [trend_label(p.bucket, grain) for p in trend]
    as_of = None if live else summary.built_at()
    return render_template(
        "analytics/sales.html", dataset=dataset, year=year, start=start, last_day=end - timedelta(days=1),
        error=error, trend=trend, trend_labels=labels, grain=grain, grains=grain_choices(),
        channels=channels, shops=shops, categories=categories, products=products[:20], product_count=len(products),
        representatives=representatives, regions=regions, explore=explore_links(start, end, grain),
        as_of=as_of, live=live,
        trend_chart=chart_json("line", labels, [(str(year), [p.revenue for p in trend]),
                                                (str(year - 1), [p.last_year for p in trend])]),
        channel_chart=chart_json("pie", [c for c, _v in channels], [(_("Revenue"), [v for _c, v in channels])]),
        shop_chart=chart_json("bar", [f"{c} · {n}" for c, n, _v in shops[:20]],
                              [(_("Revenue"), [v for _c, _n, v in shops[:20]])], {"indexAxis": "y"}),
        category_chart=chart_json("bar", [str(r.name or _("(empty)")) for r in categories],
                                  [(_("Revenue"), [r.revenue for r in categories])]),
        representative_chart=chart_json("bar", [r.name or _("(empty)") for r in representatives[:20]],
                                        [(_("Revenue"), [r.revenue for r in representatives[:20]])],
                                        {"indexAxis": "y"}),
        region_chart=chart_json("bar", [str(n or _("(empty)")) for n, _v in regions[:20]],
                                [(_("Revenue"), [v for _n, v in regions[:20]])]))


def trend_label(bucket: str, grain: str) -> str:
    """M3, week 12 or 03-14, as the trend's rows and axis read."""
    if grain == "month":
        return _("M%(m)s", m=int(bucket))
    if grain == "week":
        return _("Week %(n)s", n=int(bucket[1:]))
    return bucket


def grain_choices() -> list[tuple[str, str]]:
    return [("month", _("By month")), ("week", _("By week")), ("day", _("By day"))]


def explore_links(start: date, end: date, grain: str = "month") -> dict[str, str]:
    """Each figure as a pivot in the explorer, where it can be regrouped and exported."""
    from flask import url_for

    last = (end - timedelta(days=1)).isoformat()
    base = {"dataset": figures.SALES_DATASET, "aggregate": "sum", "measure": "revenue"}
    links = {"trend": url_for("analytics.explore", row1="date", grain=grain, **base)}
    for key in ("channel", "representative", "region", "category", "product"):
        links[key] = url_for("analytics.explore", row1=key, start=start.isoformat(), end=last, **base)
    links["shop"] = url_for("analytics.explore", row1="channel", row2="shop", start=start.isoformat(), end=last,
                            **base)
    return links


@bp.route("/customers")
@require(VIEW)
def customers():  # type: ignore[no-untyped-def]
    dataset = figures.sales_dataset(current_user)
    today = local_today()
    year = year_arg(request.args, today.year)
    if dataset is None:
        return render_template("analytics/customers.html", dataset=None, year=year)
    start, end, error = period_args(request.args, *_year_period(year))
    behaviour = figures.customer_behaviour(dataset, current_user, start, end)
    cohort_rows = figures.cohorts(dataset, current_user)
    segments = figures.rfm_segments(dataset, current_user)
    return render_template("analytics/customers.html", dataset=dataset, year=year, start=start,
                           last_day=end - timedelta(days=1),
                           error=error, behaviour=behaviour, cohorts=cohort_rows, segments=segments,
                           segment_labels=segment_labels(),
                           mix_chart=chart_json("pie", [_("New customers"), _("Returning customers")],
                                                [(_("Customers"), [behaviour.new_customers,
                                                                   behaviour.returning_customers])]))


def segment_labels() -> dict[str, tuple[str, str]]:
    """RFM segments: name and what it means, for the reader."""
    return {
        "champions": (_("Champions"), _("Bought recently and often")),
        "loyal": (_("Loyal customers"), _("Buy regularly")),
        "new": (_("New or occasional"), _("Bought recently, seldom so far")),
        "at_risk": (_("At risk"), _("Bought often, but not for a long time")),
        "hibernating": (_("Hibernating"), _("Bought seldom and long ago")),
        "attention": (_("Need attention"), _("Middling recency and frequency")),
    }


@bp.route("/customers/segments/<code>")
@require(VIEW)
def segment(code: str):  # type: ignore[no-untyped-def]
    from flask import abort

    from core.web.params import whole_number

    labels = segment_labels()
    if code not in labels:
        abort(404)
    dataset = figures.sales_dataset(current_user)
    if dataset is None:
        return render_template("analytics/segment.html", dataset=None, code=code, label=labels[code])
    page = whole_number(request.args.get("page"), minimum=1, maximum=100000) or 1
    items, has_next = figures.segment_customers(dataset, current_user, code, page)
    return render_template("analytics/segment.html", dataset=dataset, code=code, label=labels[code], items=items,
                           page=page, has_next=has_next)
