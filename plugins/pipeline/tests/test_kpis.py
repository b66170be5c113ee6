"""KPIs per user and period, by SQL aggregation, with periods in the company time zone (R4.1.1)."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from core.contracts import Period
from plugins.pipeline import kpis
from plugins.pipeline.models import Order, OrderLine

pytestmark = pytest.mark.usefixtures("english")  # they match the services' English messages


def order(db, owner, customer, product, when, revenue, cost, status="completed"):
    row = Order(number=f"T-{when.isoformat()}-{revenue}", customer_id=customer.id, owner_id=owner.id,
                ordered_at=when, status=status, total=Decimal(revenue))
    row.lines.append(OrderLine(product_id=product.id, quantity=Decimal("1"), unit_price=Decimal(revenue),
                               revenue=Decimal(revenue), cost=Decimal(cost)))
    db.session.add(row)
    db.session.commit()


def test_revenue_profit_and_orders_per_representative_in_a_shanghai_month(db, team, customer, products):
    rep, other = team["rep"], team["other"]
    # 2026-03-31 20:00 UTC is 1 April 04:00 in Shanghai: April's.
    order(db, rep, customer, products[0], datetime(2026, 3, 31, 20, 0), "1000.00", "300.00")
    order(db, rep, customer, products[0], datetime(2026, 4, 15, 2, 0), "500.50", "100.00")
    order(db, rep, customer, products[0], datetime(2026, 4, 16, 2, 0), "999.00", "1.00", status="cancelled")
    order(db, rep, customer, products[0], datetime(2026, 3, 31, 15, 0), "70.00", "7.00")  # 23:00 on 31 March
    april = Period(date(2026, 4, 1), date(2026, 5, 1))
    ids = [rep.id, other.id]
    assert kpis.revenue(ids, april) == {rep.id: Decimal("1500.50"), other.id: Decimal("0")}
    assert kpis.profit(ids, april) == {rep.id: Decimal("1100.50"), other.id: Decimal("0")}
    assert kpis.orders(ids, april) == {rep.id: Decimal(2), other.id: Decimal(0)}


def test_growth_rate_compares_with_the_same_period_a_year_earlier(db, team, customer, products):
    rep = team["rep"]
    order(db, rep, customer, products[0], datetime(2025, 6, 10), "1000.00", "0")
    order(db, rep, customer, products[0], datetime(2026, 6, 10), "1250.00", "0")
    june = Period(date(2026, 6, 1), date(2026, 7, 1))
    assert kpis.growth_rate([rep.id, team["other"].id], june) == {rep.id: Decimal("25.00"),
                                                                    team["other"].id: Decimal("0")}


def test_target_completion_and_new_customers(db, team, customer, products):
    from plugins.pipeline.services.targets import set_target

    rep = team["rep"]
    set_target(db.session, year=2026, amount=Decimal("10000"), set_by=team["manager"])
    set_target(db.session, year=2026, user_id=rep.id, amount=Decimal("6000"), set_by=team["supervisor"])
    set_target(db.session, year=2026, user_id=rep.id, month=5, amount=Decimal("2000"), set_by=team["supervisor"])
    order(db, rep, customer, products[0], datetime(2026, 5, 3), "1500.00", "0")
    order(db, rep, customer, products[0], datetime(2026, 5, 9), "500.00", "0")
    may = Period(date(2026, 5, 1), date(2026, 6, 1))
    assert kpis.target_completion([rep.id], may) == {rep.id: Decimal("100.00")}
    assert kpis.new_customers_won([rep.id], may) == {rep.id: Decimal(1)}
    # Without a target there is no completion figure: 0 % would score the person as failing (appraisal, analytics).
    assert kpis.target_completion([team["other"].id], may) == {}


def test_a_breakdown_cannot_exceed_the_target_above_it(db, team):
    import pytest

    from plugins.pipeline.services import PipelineError
    from plugins.pipeline.services.targets import set_target

    set_target(db.session, year=2026, amount=Decimal("10000"), set_by=team["manager"])
    set_target(db.session, year=2026, user_id=team["rep"].id, amount=Decimal("6000"), set_by=team["supervisor"])
    with pytest.raises(PipelineError, match="exceed"):
        set_target(db.session, year=2026, user_id=team["other"].id, amount=Decimal("4000.01"),
                   set_by=team["supervisor"])
    set_target(db.session, year=2026, user_id=team["other"].id, amount=Decimal("4000"), set_by=team["supervisor"])


def test_every_kpi_is_registered_and_answers_for_every_user(app, team):
    from core.contracts import KPIDef

    definitions = {k.key: k for k in app.extensions["netsales"].collect("register_kpis", KPIDef)}
    wanted = {"pipeline.revenue", "pipeline.profit", "pipeline.growth_rate", "pipeline.orders",
              "pipeline.target_completion", "pipeline.new_customers_won", "pipeline.complaints_on_time"}
    assert wanted <= set(definitions)
    period = Period(date(2026, 1, 1), date(2027, 1, 1))
    for key in wanted - {"pipeline.target_completion"}:
        assert set(definitions[key].compute([team["rep"].id], period)) == {team["rep"].id}
    # Nobody has a target here: completion has no figure for them rather than a 0 % that reads as a failure.
    assert definitions["pipeline.target_completion"].compute([team["rep"].id], period) == {}
