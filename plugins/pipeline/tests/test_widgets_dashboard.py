"""The pipeline's dashboard by role (issue 12): which widgets each role gets, and the team widgets' figures against a
fixture counted by hand, with the number of statements each costs.

The fixture: a manager; supervisor "sup" leads rep and rep2; supervisor "sup2" leads rep3 (both under the manager).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from core.timeutil import local_to_utc, local_today, utcnow


def _keys(user) -> list[str]:
    from plugins.pipeline.widgets import dashboard_widgets

    return [w.key for w in dashboard_widgets(user)]


def _month_start(day: date, ahead: int) -> date:
    month = day.month - 1 + ahead
    return date(day.year + month // 12, month % 12 + 1, 1)


@pytest.fixture
def sales(db, team, make_user):
    """Deals, orders, targets and overdue work of two teams; the figures in the tests are counted from here."""
    from plugins.crm.models import Customer
    from plugins.pipeline.models import (
        Deal,
        FollowUp,
        Order,
        OrderLine,
        Product,
        Quotation,
        SalesTarget,
        Ticket,
    )

    sup2 = make_user("sup2", roles=["sales_supervisor"], position="sales_supervisor",
                     superior_id=team["manager"].id)
    rep3 = make_user("rep3", roles=["sales_rep"], position="sales_rep", superior_id=sup2.id)
    rep, rep2 = team["rep"], team["other"]
    people = {**team, "sup2": sup2, "rep3": rep3}
    customer = Customer(name="杭州云帆科技有限公司", name_key="杭州云帆科技", owner_id=rep.id, state="customer")
    product = Product(sku="NS-1", name="网销 CRM 年费", category="software", list_price=Decimal("1000"),
                      cost=Decimal("0"), tax_rate=Decimal("0.06"))
    db.session.add_all([customer, product])
    db.session.flush()
    today = local_today()
    this_month, next_month = _month_start(today, 0), _month_start(today, 1)

    def deal(owner, stage, value, close, status="open"):
        row = Deal(title=f"{stage} {value}", customer_id=customer.id, owner_id=owner.id, stage=stage,
                   status=status, expected_value=Decimal(value), expected_close=close)
        db.session.add(row)
        return row

    first = deal(rep, "development", "10000", today)
    deal(rep, "quotation", "20000", next_month)
    deal(rep, "contract", "30000", None)
    deal(rep, "negotiation", "99999", today, status="won")  # closed: in no open figure
    deal(rep2, "negotiation", "40000", this_month - timedelta(days=1))  # its close date has passed
    deal(rep3, "needs", "50000", next_month)
    db.session.flush()

    year = today.year
    numbers = iter(range(1, 100))

    def order(owner, at, *amounts, status="confirmed"):
        row = Order(number=f"SO-{next(numbers)}", customer_id=customer.id, owner_id=owner.id, status=status,
                    ordered_at=local_to_utc(at), total=sum((Decimal(a) for a in amounts), Decimal("0")))
        row.lines = [OrderLine(product_id=product.id, quantity=Decimal("1"), unit_price=Decimal(a),
                               revenue=Decimal(a), cost=Decimal("0")) for a in amounts]
        db.session.add(row)
        return row

    january = order(rep, datetime(year, 1, 15, 12), "1000.00")
    order(rep, datetime(year, 2, 1, 0, 30), "300.00")  # 16:30 UTC on 31 January: February in Shanghai
    order(rep, datetime(year, 3, 10, 9), "2000.00", "500.50")
    order(rep2, datetime(year, 3, 11, 9), "1000.00", status="cancelled")
    march3 = order(rep3, datetime(year, 3, 12, 9), "4000.00")
    order(rep, datetime(year - 1, 12, 20, 9), "7777.00")  # last year
    db.session.flush()

    def target(user, amount, month=None):
        db.session.add(SalesTarget(year=year, user_id=user.id if user else None, month=month,
                                   amount=Decimal(amount), set_by_id=team["manager"].id))

    target(None, "100000")
    target(rep, "40000")
    target(rep, "3000", 1)
    target(rep, "3500", 3)
    target(rep2, "2000", 1)
    target(rep3, "30000")
    target(rep3, "5000", 3)

    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    db.session.add_all([
        FollowUp(order_id=january.id, owner_id=rep.id, due_on=yesterday),
        FollowUp(order_id=january.id, owner_id=rep.id, due_on=yesterday, done_at=utcnow()),
        FollowUp(order_id=january.id, owner_id=rep.id, due_on=tomorrow),
        FollowUp(order_id=march3.id, owner_id=rep3.id, due_on=yesterday),
    ])
    for n in range(3):
        db.session.add(Quotation(number=f"Q-{n}", deal_id=first.id, owner_id=rep2.id, state="pending_approval",
                                 valid_until=tomorrow))
    db.session.add(Quotation(number="Q-9", deal_id=first.id, owner_id=rep.id, state="draft", valid_until=tomorrow))
    past, future = utcnow() - timedelta(hours=2), utcnow() + timedelta(hours=2)

    def ticket(assignee, state, due):
        db.session.add(Ticket(customer_id=customer.id, kind="support", subject="扫码枪无法连接", assignee_id=assignee.id,
                              state=state, sla_due_at=due))

    ticket(rep, "open", past)
    ticket(rep, "resolved", past)
    ticket(rep3, "in_progress", past)
    ticket(rep3, "open", future)
    db.session.commit()
    return people


# ---------------------------------------------------------------------------------------------------- who sees what


def test_widgets_follow_what_the_user_does_in_sales(app, team, make_user):
    team_widgets = ["pipeline.team_stages", "pipeline.forecast", "pipeline.revenue", "pipeline.team_overdue"]
    assert _keys(team["manager"]) == team_widgets
    assert _keys(team["supervisor"]) == team_widgets
    # A representative: the same charts over their own figures, their overdue work as a list to act on.
    assert _keys(team["rep"]) == ["pipeline.target", "pipeline.stages", "pipeline.overdue", "pipeline.forecast",
                                  "pipeline.revenue"]
    # Reading deals or orders is not selling: no sales widget for the department head nor for finance.
    assert _keys(make_user("head", roles=["department_head"], position="department_head")) == []
    assert _keys(make_user("fin", roles=["finance"], position="finance")) == []


def test_the_manager_sees_charts_not_an_empty_personal_widget(client, login_as, sales):
    login_as(sales["manager"])
    html = client.get("/").get_data(as_text=True)
    for key in ("pipeline-team_stages", "pipeline-forecast", "pipeline-revenue", "pipeline-team_overdue"):
        section = html[html.index(f'id="widget-{key}"'):]
        section = section[:section.index("</section>")]
        assert "data-chart-spec=" in section and "<table" in section, key
    assert "您没有进行中的商机" not in html and 'id="widget-pipeline-stages"' not in html
    assert html.index('id="widget-pipeline-team_stages"') < html.index('id="widget-pipeline-revenue"')


# ------------------------------------------------------------------------------------------------------ the figures


@pytest.fixture
def figures_of(app, count_queries):
    """``figures_of(user, context)``: the context for ``user`` and the number of statements a second call makes
    (the first also loads the user's grants and team for the request, as the dashboard's first widget does)."""

    def measure(user, context):
        with app.test_request_context("/"):
            context(user)
            with count_queries() as statements:
                result = context(user)
        return result, len(statements)

    return measure


def test_team_pipeline_by_stage(figures_of, sales):
    from plugins.pipeline.widgets import team_stages

    figures, statements = figures_of(sales["manager"], team_stages)
    assert statements == 1
    assert figures["counts"] == [1, 1, 1, 1, 1, 0]  # development, needs, quotation, negotiation, contract, after-sales
    assert figures["values"] == [Decimal("10000"), Decimal("50000"), Decimal("20000"), Decimal("40000"),
                                 Decimal("30000"), Decimal("0")]
    assert figures["total"] == 5
    team, _n = figures_of(sales["supervisor"], team_stages)  # rep and rep2 only
    assert team["counts"] == [1, 0, 1, 1, 1, 0] and sum(team["values"]) == Decimal("100000")


def test_forecast_weighted_by_stage_probability(figures_of, sales):
    from plugins.pipeline.widgets import forecast

    figures, statements = figures_of(sales["manager"], forecast)
    assert statements == 1
    # Buckets: date passed, this month, next month, 4 more months, later, no date.
    assert figures["counts"] == [1, 1, 2, 0, 0, 0, 0, 0, 1]
    assert figures["values"][:3] == [Decimal("40000"), Decimal("10000"), Decimal("70000")]
    # 40000 × 60 % (negotiation); 10000 × 10 %; 20000 × 40 % + 50000 × 20 %; 30000 × 90 % (contract, no date)
    assert figures["weighted"] == [Decimal("24000.00"), Decimal("1000.00"), Decimal("18000.00"), *[Decimal("0.00")] * 5,
                                   Decimal("27000.00")]
    assert len(figures["labels"]) == 9


def test_revenue_by_month_against_targets(figures_of, sales):
    from plugins.pipeline.widgets import revenue_by_month

    figures, statements = figures_of(sales["manager"], revenue_by_month)
    assert statements == 2
    # January 1000; the 00:30 order of 1 February (Shanghai) in February; March 2500.50 + 4000; cancelled and last
    # year's orders nowhere.
    assert figures["revenue"][:3] == [Decimal("1000.00"), Decimal("300.00"), Decimal("6500.50")]
    assert sum(figures["revenue"]) == Decimal("7800.50")
    assert figures["targets"][:3] == [Decimal("5000.00"), None, Decimal("8500.00")]
    assert figures["targets"][3:] == [None] * 9
    assert figures["year_target"] == Decimal("100000.00") and figures["company_target"]  # R2.3.1
    assert figures["ratio"] == Decimal("0.0780")

    team, statements = figures_of(sales["supervisor"], revenue_by_month)
    assert statements == 2
    assert team["revenue"][:3] == [Decimal("1000.00"), Decimal("300.00"), Decimal("2500.50")]
    assert team["targets"][:3] == [Decimal("5000.00"), None, Decimal("3500.00")]
    # R2.2.1: the team's year is its members' targets (rep's 40000; rep2 has none), not the company's.
    assert team["year_target"] == Decimal("40000.00") and not team["company_target"]
    assert team["ratio"] == Decimal("0.0950")


def test_overdue_work_per_person(figures_of, sales):
    from plugins.pipeline.widgets import team_overdue

    figures, statements = figures_of(sales["manager"], team_overdue)
    assert statements == 3
    assert figures["labels"] == ["Rep2", "Rep", "Rep3"]  # the most behind first, then by name
    assert figures["follow_ups"] == [0, 1, 1]
    assert figures["quotations"] == [3, 0, 0]
    assert figures["tickets"] == [0, 1, 1]
    assert figures["totals"] == {"follow_ups": 2, "quotations": 3, "tickets": 2} and figures["others"] == 0

    team, _n = figures_of(sales["supervisor"], team_overdue)
    assert team["labels"] == ["Rep2", "Rep"]


def test_overdue_work_keeps_a_fixed_cost_with_more_people(figures_of, db, sales, make_user):
    """Three statements with 3 or 13 people behind; the chart shows the 8 most behind and says how many more."""
    from plugins.pipeline.models import FollowUp, Order
    from plugins.pipeline.widgets import PEOPLE_SHOWN, team_overdue

    order_id = db.session.query(Order.id).first()[0]
    for n in range(10):
        person = make_user(f"late{n}", roles=["sales_rep"], superior_id=sales["sup2"].id)
        db.session.add(FollowUp(order_id=order_id, owner_id=person.id, due_on=local_today() - timedelta(days=3)))
    db.session.commit()
    figures, statements = figures_of(sales["manager"], team_overdue)
    assert statements == 3
    assert len(figures["labels"]) == PEOPLE_SHOWN and figures["others"] == 13 - PEOPLE_SHOWN
    assert figures["totals"]["follow_ups"] == 12


def test_a_representative_sees_their_own_figures(figures_of, sales):
    from plugins.pipeline.widgets import forecast, revenue_by_month, team_stages

    stages, _n = figures_of(sales["rep"], team_stages)
    assert stages["counts"] == [1, 0, 1, 0, 1, 0] and stages["mine"]  # the won deal is not open
    ahead, _n = figures_of(sales["rep"], forecast)
    assert ahead["weighted"][1:3] == [Decimal("1000.00"), Decimal("8000.00")] and ahead["weighted"][-1] == Decimal("27000.00")
    revenue, statements = figures_of(sales["rep"], revenue_by_month)
    assert statements == 2
    assert revenue["revenue"][:3] == [Decimal("1000.00"), Decimal("300.00"), Decimal("2500.50")]
    assert revenue["targets"][:3] == [Decimal("3000.00"), None, Decimal("3500.00")]
    assert revenue["year_target"] == Decimal("40000.00") and revenue["ratio"] == Decimal("0.0950")


def test_a_representative_without_deals_is_told_how_to_start(client, login_as, team):
    login_as(team["rep"])
    html = client.get("/").get_data(as_text=True)
    section = html[html.index('id="widget-pipeline-stages"'):]
    section = section[:section.index("</section>")]
    assert "您没有进行中的商机" in section and "/pipeline/deals/new" in section and "data-chart-spec" not in section


def test_the_managers_dashboard_costs_the_same_with_more_people_and_deals(client, login_as, db, sales, make_user,
                                                                       count_queries):
    """The whole page (every module's widgets): as many statements with 10 more representatives, each with deals,
    orders, overdue follow-ups and tickets, as before."""
    from plugins.pipeline.models import Deal, FollowUp, Order, Ticket

    login_as(sales["manager"])
    client.get("/")
    with count_queries() as before:
        assert client.get("/").status_code == 200
    order = db.session.query(Order).first()
    deal = db.session.query(Deal).first()
    for n in range(10):
        person = make_user(f"more{n}", roles=["sales_rep"], superior_id=sales["sup2"].id)
        db.session.add(Deal(title=f"更多 {n}", customer_id=deal.customer_id, owner_id=person.id, stage="needs",
                            expected_value=Decimal("1000"), expected_close=local_today()))
        db.session.add(FollowUp(order_id=order.id, owner_id=person.id, due_on=local_today() - timedelta(days=2)))
        db.session.add(Ticket(customer_id=deal.customer_id, kind="support", subject="无法登录", assignee_id=person.id,
                              state="open", sla_due_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    with count_queries() as after:
        html = client.get("/").get_data(as_text=True)
    assert len(after) == len(before)
    assert "另有 5 人有逾期事项" in html  # 13 people behind: the chart shows 8 and says how many more
