"""Dashboard widgets, chosen by what the user does in sales (issue 12).

A representative (scope "own" on working deals) sees their target progress and their overdue follow-ups and
tickets, and their own deals by stage, forecast and revenue by month against their targets as charts. A supervisor (scope "team") and a manager (scope "all") see their team's figures as charts
with tables: pipeline by stage (R2.2.4), the forecast weighted by stage probability, revenue by month against the
targets (R2.3.1, R2.2.1) and the overdue work of each person (R2.2.2). Whoever may only read deals (a department
head, finance) sees no sales widget: nothing there is theirs to act on.

Each context function is a fixed number of aggregate statements, whatever the number of deals, orders or people.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_skeleton
from flask import url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select

from core.contracts import DashboardWidget
from core.extensions import db
from core.identity.models import User
from core.security import scope_for, scoped, team_condition
from core.timeutil import local_today, month_period, period_bounds, utcnow
from plugins.pipeline.models import STAGES, Deal, FollowUp, Order, OrderLine, Quotation, SalesTarget, Ticket
from plugins.pipeline.services.progress import month_progress, year_progress
from plugins.pipeline.services.stages import DEFAULT_PROBABILITY, STAGE_LABELS

LIMIT = 6
#: People shown in the overdue-work chart: the most behind first (the table says how many others there are).
PEOPLE_SHOWN = 8
#: Months of the forecast from this one on; deals closing later share one bucket.
FORECAST_MONTHS = 6

DEAL_VIEW, DEAL_EDIT = "pipeline.deal.view", "pipeline.deal.edit"
ORDER_VIEW, TICKET_VIEW = "pipeline.order.view", "pipeline.ticket.view"
OPEN_TICKET = ("open", "in_progress")


def dashboard_widgets(user: Any) -> list[DashboardWidget]:
    """The widgets for ``user``: the team's when they lead one (or all of sales), their own when they sell."""
    scope = scope_for(user, DEAL_EDIT)
    if scope in ("team", "all"):
        return [
            DashboardWidget("pipeline.team_stages", _l("Team pipeline by stage"), "pipeline/widgets/team_stages.html",
                            permission=DEAL_VIEW, order=1, context=team_stages),
            DashboardWidget("pipeline.forecast", _l("Forecast by expected close"), "pipeline/widgets/forecast.html",
                            permission=DEAL_VIEW, order=2, context=forecast),
            DashboardWidget("pipeline.revenue", _l("Revenue by month against target"),
                            "pipeline/widgets/revenue.html", permission=ORDER_VIEW, order=3, context=revenue_by_month),
            DashboardWidget("pipeline.team_overdue", _l("Overdue work in the team"),
                            "pipeline/widgets/team_overdue.html", permission=DEAL_VIEW, order=4,
                            context=team_overdue),
        ]
    if scope == "own":  # the same charts over their own deals and orders, and their own overdue work as a list
        return [
            DashboardWidget("pipeline.target", _l("My target progress"), "pipeline/widgets/target.html",
                            permission=DEAL_VIEW, order=10, context=target_progress),
            DashboardWidget("pipeline.stages", _l("My deals by stage"), "pipeline/widgets/team_stages.html",
                            permission=DEAL_VIEW, order=11, context=team_stages),
            DashboardWidget("pipeline.overdue", _l("My overdue follow-ups and tickets"),
                            "pipeline/widgets/overdue.html", permission=ORDER_VIEW, order=12, context=overdue_work),
            DashboardWidget("pipeline.forecast", _l("My forecast by expected close"),
                            "pipeline/widgets/forecast.html", permission=DEAL_VIEW, order=13, context=forecast),
            DashboardWidget("pipeline.revenue", _l("My revenue by month against target"),
                            "pipeline/widgets/revenue.html", permission=ORDER_VIEW, order=14,
                            context=revenue_by_month),
        ]
    return []


def _whose(user: Any) -> dict[str, Any]:
    """Whose figures a widget shows, in words (the same widget serves a representative, a supervisor and a manager),
    and whether they are the reader's own."""
    scope = scope_for(user, DEAL_VIEW)
    if scope == "all":
        return {"whose": _("All representatives"), "mine": False}
    if scope == "team":
        return {"whose": _("You and the people who report to you"), "mine": False}
    return {"whose": _("Your own deals and orders"), "mine": True}


# ------------------------------------------------------------------------------------------------ a representative


def target_progress(user: Any) -> dict[str, Any]:
    today = local_today()
    return {"year": year_progress(db.session, today.year, [user.id])[user.id],
            "month": month_progress(db.session, user, today), "today": today}


def overdue_work(user: Any) -> dict[str, Any]:
    follow_ups = db.session.execute(
        select(FollowUp.id, FollowUp.due_on, Order.id.label("order_id"), Order.number)
        .join(Order, Order.id == FollowUp.order_id)
        .where(FollowUp.owner_id == user.id, FollowUp.done_at.is_(None), FollowUp.due_on < local_today())
        .order_by(FollowUp.due_on).limit(LIMIT)).all()
    tickets = db.session.execute(
        select(Ticket.id, Ticket.subject, Ticket.sla_due_at)
        .where(Ticket.assignee_id == user.id, Ticket.state.in_(OPEN_TICKET), Ticket.sla_due_at < utcnow())
        .order_by(Ticket.sla_due_at).limit(LIMIT)).all()
    return {"follow_ups": follow_ups, "tickets": tickets}


# ------------------------------------------------------------------------------------------- a supervisor, a manager


def team_stages(user: Any) -> dict[str, Any]:
    """Open deals in the user's scope by stage: how many and their expected value (one statement)."""
    found = {stage: (n, Decimal(str(v))) for stage, n, v in db.session.execute(scoped(
        select(Deal.stage, func.count(Deal.id), func.coalesce(func.sum(Deal.expected_value), 0))
        .where(Deal.status == "open").group_by(Deal.stage), Deal, DEAL_VIEW, user))}
    counts = [found.get(s, (0, Decimal("0")))[0] for s in STAGES]
    values = [found.get(s, (0, Decimal("0")))[1] for s in STAGES]
    return {"labels": [str(STAGE_LABELS[s]) for s in STAGES], "counts": counts, "values": values,
            "links": [url_for("pipeline.deals", stage=s, status="open") for s in STAGES],
            "total": sum(counts), **_whose(user)}


def _month_starts(first: date, count: int) -> list[date]:
    starts = [first]
    for _i in range(count):
        last = starts[-1]
        starts.append(date(last.year + (last.month == 12), last.month % 12 + 1, 1))
    return starts


def forecast(user: Any) -> dict[str, Any]:
    """Open deals by the month they are expected to close, at full value and weighted by their stage's win
    probability (DEFAULT_PROBABILITY, as the deal list's forecast), in one statement. Deals whose close date has
    passed and deals with none get a bucket each: they are the ones to look at."""
    today = local_today()
    starts = _month_starts(today.replace(day=1), FORECAST_MONTHS)  # this month … the first month of "later"
    # Bucket numbers: -2 no date, -1 date passed, 0..FORECAST_MONTHS-1 the months, FORECAST_MONTHS later.
    bucket = case((Deal.expected_close.is_(None), -2), (Deal.expected_close < starts[0], -1),
                  *((Deal.expected_close < starts[i + 1], i) for i in range(FORECAST_MONTHS)),
                  else_=FORECAST_MONTHS)
    probability = case(*((Deal.stage == stage, p) for stage, p in DEFAULT_PROBABILITY.items()), else_=0)
    deals = scoped(select(bucket.label("bucket"), Deal.expected_value.label("value"), probability.label("p"))
                   .where(Deal.status == "open"), Deal, DEAL_VIEW, user).subquery()
    rows = {b: (n, Decimal(str(v)), Decimal(str(w))) for b, n, v, w in db.session.execute(
        select(deals.c.bucket, func.count(), func.coalesce(func.sum(deals.c.value), 0),
               func.coalesce(func.sum(deals.c.value * deals.c.p), 0)).group_by(deals.c.bucket))}
    order = [-1, *range(FORECAST_MONTHS), FORECAST_MONTHS, -2]
    labels = [_("Close date passed"),
              *(format_skeleton("yMMM", start, locale=get_locale()) for start in starts[:FORECAST_MONTHS]),
              _("Later"), _("No close date")]
    empty = (0, Decimal("0"), Decimal("0"))
    return {"labels": labels, "counts": [rows.get(b, empty)[0] for b in order],
            "values": [rows.get(b, empty)[1] for b in order],
            "weighted": [(rows.get(b, empty)[2] / 100).quantize(Decimal("0.01")) for b in order],
            "total": sum(rows.get(b, empty)[0] for b in order), **_whose(user),
            "probabilities": [(str(STAGE_LABELS[s]), DEFAULT_PROBABILITY[s]) for s in STAGES]}


def revenue_by_month(user: Any) -> dict[str, Any]:
    """This year's revenue per month of the people in scope (the pipeline.revenue KPI's definition: lines of
    non-cancelled orders by order date, months in the company's zone) against the sum of their monthly targets, and
    the year against the year's target (R2.3.1: the company's for the whole of sales; R2.2.1: the breakdown for a
    team). Two statements."""
    year = local_today().year
    bounds = [period_bounds(month_period(year, m)) for m in range(1, 13)]
    in_month = [func.coalesce(func.sum(case((and_(Order.ordered_at >= start, Order.ordered_at < end),
                                             OrderLine.revenue), else_=0)), 0) for start, end in bounds]
    revenue = db.session.execute(scoped(
        select(*in_month).select_from(Order).join(OrderLine, OrderLine.order_id == Order.id)
        .where(Order.status != "cancelled", Order.ordered_at >= bounds[0][0], Order.ordered_at < bounds[-1][1]),
        Order, ORDER_VIEW, user)).one()
    everyone = scope_for(user, ORDER_VIEW) == "all"
    targets = select(SalesTarget.month, SalesTarget.user_id.is_(None), func.sum(SalesTarget.amount)).where(
        SalesTarget.year == year).group_by(SalesTarget.month, SalesTarget.user_id.is_(None))
    if not everyone:  # a team's targets are its members' (targets carry no owner scope of their own)
        targets = targets.where(team_condition(SalesTarget.user_id, user))
    monthly: dict[int, Decimal] = {}
    company_year = members_year = None
    for month, company, amount in db.session.execute(targets):
        if month is not None and not company:
            monthly[month] = Decimal(str(amount))
        elif month is None and company:
            company_year = Decimal(str(amount))
        elif month is None:
            members_year = Decimal(str(amount))
    done = [Decimal(str(v)) for v in revenue]
    year_target = company_year if everyone and company_year is not None else members_year
    year_done = sum(done, Decimal("0"))
    return {"labels": [format_date(date(year, m, 1), "MMM") for m in range(1, 13)], "revenue": done,
            "targets": [monthly.get(m) for m in range(1, 13)], "year": year, "year_done": year_done,
            "year_target": year_target,
            "ratio": (year_done / year_target).quantize(Decimal("0.0001")) if year_target else None,
            "company_target": everyone and company_year is not None, **_whose(user)}


def team_overdue(user: Any) -> dict[str, Any]:
    """Per person in scope: overdue order follow-ups (R6.5.3), quotations waiting for a discount approval
    (R6.4.2) and service tickets past their deadline (R6.6.2); the most behind first. Three statements."""
    today, now = local_today(), utcnow()
    people: dict[int, dict[str, Any]] = {}

    def add(kind: str, statement: Any) -> None:
        for uid, name, n in db.session.execute(statement):
            person = people.setdefault(uid, {"name": name, "follow_ups": 0, "quotations": 0, "tickets": 0})
            person[kind] = n

    add("follow_ups", scoped(
        select(User.id, User.name, func.count(FollowUp.id)).join(User, User.id == FollowUp.owner_id)
        .where(FollowUp.done_at.is_(None), FollowUp.due_on < today).group_by(User.id, User.name),
        FollowUp, ORDER_VIEW, user))
    add("quotations", scoped(
        select(User.id, User.name, func.count(Quotation.id)).join(User, User.id == Quotation.owner_id)
        .where(Quotation.state == "pending_approval").group_by(User.id, User.name),
        Quotation, DEAL_VIEW, user))
    add("tickets", scoped(
        select(User.id, User.name, func.count(Ticket.id)).join(User, User.id == Ticket.assignee_id)
        .where(Ticket.state.in_(OPEN_TICKET), Ticket.sla_due_at < now).group_by(User.id, User.name),
        Ticket, TICKET_VIEW, user))
    ranked = sorted(people.values(), key=lambda p: (-(p["follow_ups"] + p["quotations"] + p["tickets"]), p["name"]))
    shown = ranked[:PEOPLE_SHOWN]
    return {"labels": [p["name"] for p in shown], "follow_ups": [p["follow_ups"] for p in shown],
            "quotations": [p["quotations"] for p in shown], "tickets": [p["tickets"] for p in shown],
            "totals": {kind: sum(p[kind] for p in ranked) for kind in ("follow_ups", "quotations", "tickets")},
            "others": len(ranked) - len(shown), **_whose(user)}
