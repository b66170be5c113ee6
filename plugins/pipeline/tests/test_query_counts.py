"""The board, the lists and every KPI make the same number of SQL statements whatever the number of rows
(DESIGN.md: lists paginate in SQL, KPIs are set-based; issue 6 "Performance"), counted with the test kit's
``count_queries`` at two data sizes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import insert

from core.contracts import KPIDef, Period
from plugins.pipeline.models import STAGES, Deal, Order, OrderLine, Quotation, Ticket

MAY = Period(date(2026, 5, 1), date(2026, 6, 1))
PIPELINE_KPIS = ("pipeline.revenue", "pipeline.profit", "pipeline.growth_rate", "pipeline.orders",
                 "pipeline.target_completion", "pipeline.new_customers_won", "pipeline.complaints_on_time")


def add_rows(db, owner, customer, product, n: int) -> None:
    """``n`` open deals, ``n`` orders of one line each (in May 2026 and May 2025), ``n`` waiting quotations and ``n``
    complaints, all owned by ``owner``."""
    deals = [{"title": f"Deal {i}", "customer_id": customer.id, "owner_id": owner.id, "stage": STAGES[i % 6],
              "status": "open", "expected_value": Decimal("1000"), "version": 1} for i in range(n)]
    deal_ids = list(db.session.scalars(insert(Deal).returning(Deal.id, sort_by_parameter_order=True), deals))
    start = db.session.query(Order).count()
    orders = [{"number": f"T-{start + i}", "customer_id": customer.id, "owner_id": owner.id, "status": "confirmed",
               "total": Decimal("10"), "cost_total": Decimal("5"), "channel": "direct", "version": 1,
               "ordered_at": datetime(2026 - i % 2, 5, 1 + i % 28, 12)} for i in range(n)]
    ids = list(db.session.scalars(insert(Order).returning(Order.id, sort_by_parameter_order=True), orders))
    db.session.execute(insert(OrderLine), [{"order_id": i, "product_id": product.id, "quantity": Decimal("1"),
                                            "unit_price": Decimal("10"), "revenue": Decimal("10"),
                                            "cost": Decimal("5")} for i in ids])
    db.session.execute(insert(Quotation), [
        {"number": f"Q-{start + i}", "revision": 1, "deal_id": deal_ids[i], "owner_id": owner.id,
         "state": "pending_approval", "approval_level": "supervisor", "valid_until": date(2026, 6, 1)}
        for i in range(n)])
    db.session.execute(insert(Ticket), [
        {"customer_id": customer.id, "kind": "complaint", "subject": f"Complaint {i}", "assignee_id": owner.id,
         "sla_due_at": datetime(2026, 5, 20), "created_at": datetime(2026, 5, 2 + i % 20),
         "resolved_at": datetime(2026, 5, 10) if i % 2 else None} for i in range(n)])
    db.session.commit()


@pytest.mark.parametrize("path", ["/pipeline/board", "/pipeline/deals", "/pipeline/orders",
                                  "/pipeline/deals?stage=needs&sort=-value", "/pipeline/board?page_needs=2",
                                  "/pipeline/orders?q=T-1&sort=total", "/pipeline/approvals",
                                  "/pipeline/approvals?page=2&per_page=10", "/pipeline/targets",
                                  "/pipeline/quotations", "/pipeline/quotations?state=pending_approval&sort=total"])
def test_the_number_of_queries_does_not_grow_with_the_rows(client, login_as, db, team, customer, products,
                                                           count_queries, make_user, path):
    login_as(team["supervisor"])  # team scope: the scope filter is part of every query
    add_rows(db, team["rep"], customer, products[0], 8)
    client.get(path)  # warm-up
    with count_queries() as small:
        assert client.get(path).status_code == 200
    add_rows(db, team["rep"], customer, products[0], 120)
    for i in range(3):  # more representatives for the targets page
        make_user(f"rep-extra{i}", roles=["sales_rep"], position="sales_rep", superior_id=team["supervisor"].id)
    with count_queries() as large:
        assert client.get(path).status_code == 200
    assert len(large) == len(small), "\n".join(large)


def settings_loaded() -> None:
    """Creating users invalidates the core's settings cache (the company time zone the periods are in): reload it
    before counting, so that only the KPI's own statements are counted."""
    from core.timeutil import period_bounds

    period_bounds(MAY)


@pytest.fixture
def kpis(app):
    return {k.key: k for k in app.extensions["netsales"].collect("register_kpis", KPIDef)}


@pytest.mark.parametrize("key", PIPELINE_KPIS)
def test_every_kpi_makes_a_fixed_number_of_queries(db, team, customer, products, make_user, count_queries, kpis,
                                                   key):
    """Whatever the number of orders and of users asked for: one statement, two for the KPIs that compare with a
    target or with the year before."""
    from plugins.pipeline.services.targets import set_target

    set_target(db.session, year=2026, user_id=team["rep"].id, month=5, amount=Decimal("100"),
               set_by=team["supervisor"])
    db.session.commit()
    add_rows(db, team["rep"], customer, products[0], 4)
    one = [team["rep"].id]  # read before counting: the commit expired the user
    settings_loaded()
    with count_queries() as small:
        kpis[key].compute(one, MAY)
    add_rows(db, team["rep"], customer, products[0], 60)
    add_rows(db, team["other"], customer, products[0], 60)
    users = [team["rep"].id, team["other"].id] + [make_user(f"kpi{i}", roles=["sales_rep"]).id for i in range(5)]
    settings_loaded()
    with count_queries() as large:
        values = kpis[key].compute(users, MAY)
    # Target completion has a figure only for someone with a target (the representative here).
    assert set(values) == ({team["rep"].id} if key == "pipeline.target_completion" else set(users))
    assert len(large) == len(small) <= 2, "\n".join(large)


def test_all_kpis_together_take_five_statements_and_agree_with_each_one(db, team, customer, products,
                                                                        count_queries, kpis):
    from plugins.pipeline.kpis import sales_kpis
    from plugins.pipeline.services.targets import set_target

    set_target(db.session, year=2026, user_id=team["rep"].id, month=5, amount=Decimal("400"),
               set_by=team["supervisor"])
    add_rows(db, team["rep"], customer, products[0], 30)
    add_rows(db, team["other"], customer, products[0], 10)
    users = [team["rep"].id, team["other"].id, team["supervisor"].id]
    settings_loaded()
    with count_queries() as statements:
        together = sales_kpis(users, MAY)
    assert len(statements) == 5, "\n".join(statements)
    assert set(together) == set(PIPELINE_KPIS)
    for key in PIPELINE_KPIS:
        assert together[key] == kpis[key].compute(users, MAY), key
    # 15 May orders of 10.00 each this year and 15 the year before (the rest of the 30): growth 0 %, 150 of 400.
    assert together["pipeline.revenue"][team["rep"].id] == Decimal("150.00")
    assert together["pipeline.target_completion"][team["rep"].id] == Decimal("37.50")
    assert together["pipeline.orders"][team["supervisor"].id] == Decimal("0")


def test_a_customer_is_new_only_in_the_month_of_their_first_order(db, team, customer, products):
    """new_customers_won looks for an earlier order (NOT EXISTS) rather than grouping every order."""
    from plugins.pipeline.kpis import new_customers_won

    def order(when, owner, status="completed"):
        row = Order(number=f"N-{when:%Y%m%d%H}-{owner.id}-{status}", customer_id=customer.id, owner_id=owner.id,
                    ordered_at=when, status=status)
        row.lines.append(OrderLine(product_id=products[0].id, quantity=Decimal("1"), unit_price=Decimal("1"),
                                   revenue=Decimal("1"), cost=Decimal("0")))
        db.session.add(row)
        db.session.commit()

    rep, other = team["rep"], team["other"]
    order(datetime(2026, 4, 20, 4), other, status="cancelled")  # a cancelled order does not count as the first
    order(datetime(2026, 5, 3, 4), rep)
    order(datetime(2026, 5, 9, 4), other)  # a later order of the same customer: not new again
    ids = [rep.id, other.id]
    assert new_customers_won(ids, MAY) == {rep.id: Decimal(1), other.id: Decimal(0)}
    june = Period(date(2026, 6, 1), date(2026, 7, 1))
    order(datetime(2026, 6, 2, 4), other)
    assert new_customers_won(ids, june) == {rep.id: Decimal(0), other.id: Decimal(0)}
    assert new_customers_won(ids, Period(date(2026, 4, 1), date(2026, 5, 1))) == {rep.id: Decimal(0),
                                                                                   other.id: Decimal(0)}
