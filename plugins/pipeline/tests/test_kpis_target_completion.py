"""Target completion (R2.3.1, R4.1.1): one set-based statement, checked against figures counted by hand and against
the same figure composed from the revenue KPI and the targets (what ``sales_kpis`` does)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import insert

from core.contracts import Period
from plugins.pipeline import kpis
from plugins.pipeline.models import Order, OrderLine
from plugins.pipeline.services.targets import set_target

MAY = Period(date(2026, 5, 1), date(2026, 6, 1))
Q2 = Period(date(2026, 4, 1), date(2026, 7, 1))
YEAR = Period(date(2026, 1, 1), date(2027, 1, 1))


def sell(db, owner, customer, product, when: datetime, *revenues: str, status: str = "completed") -> None:
    """One order taken at ``when`` (naive UTC) with a line per revenue."""
    row = Order(number=f"TC-{owner.id}-{when.isoformat()}-{'-'.join(revenues)}", customer_id=customer.id,
                owner_id=owner.id, ordered_at=when, status=status,
                total=sum((Decimal(r) for r in revenues), Decimal("0")))
    for amount in revenues:
        row.lines.append(OrderLine(product_id=product.id, quantity=Decimal("1"), unit_price=Decimal(amount),
                                   revenue=Decimal(amount), cost=Decimal("0")))
    db.session.add(row)
    db.session.commit()


@pytest.fixture
def people(db, team, customer, products, make_user):
    """Five representatives, their targets and sales in 2026 (company time zone Asia/Shanghai, UTC+8).

    a: year 40,000, May 3,000; sales in May 1,500 + 500.50 (two lines of 200.50 and 300) + 250 (1 May 01:00 local),
       a cancelled 999 in May, 800 on 1 June 00:30 local, 1,000 in February, 9,999 in May 2025.
    b: year 30,000, May 0 (a zero target: no figure); 1,000 in May (lines 400 + 600).
    c: year 20,000, no monthly target; 2,000 on 1 July 08:00 local.
    d: no target; 5,000 in May.
    e: May 1,000 and no annual target; no sales."""
    a, b = team["rep"], team["other"]
    c, d, e = (make_user(f"tc-{name}", roles=["sales_rep"], position="sales_rep",
                         superior_id=team["supervisor"].id) for name in "cde")
    boss = team["supervisor"]
    set_target(db.session, year=2026, amount=Decimal("100000"), set_by=team["manager"])
    for user, amount in ((a, "40000"), (b, "30000"), (c, "20000")):
        set_target(db.session, year=2026, user_id=user.id, amount=Decimal(amount), set_by=boss)
    for user, amount in ((a, "3000"), (b, "0"), (e, "1000")):
        set_target(db.session, year=2026, user_id=user.id, month=5, amount=Decimal(amount), set_by=boss)
    db.session.commit()
    product = products[0]
    sell(db, a, customer, product, datetime(2026, 5, 3, 2), "1500.00")
    sell(db, a, customer, product, datetime(2026, 5, 20, 2), "200.50", "300.00")
    sell(db, a, customer, product, datetime(2026, 4, 30, 17), "250.00")  # 1 May 01:00 in Shanghai: May's
    sell(db, a, customer, product, datetime(2026, 5, 21, 2), "999.00", status="cancelled")
    sell(db, a, customer, product, datetime(2026, 5, 31, 16, 30), "800.00")  # 1 June 00:30 in Shanghai
    sell(db, a, customer, product, datetime(2026, 2, 1, 2), "1000.00")
    sell(db, a, customer, product, datetime(2025, 5, 10, 2), "9999.00")
    sell(db, b, customer, product, datetime(2026, 5, 5, 2), "400.00", "600.00")
    sell(db, c, customer, product, datetime(2026, 7, 1, 0), "2000.00")  # 1 July 08:00 in Shanghai: Q3's
    sell(db, d, customer, product, datetime(2026, 5, 6, 2), "5000.00")
    return {"a": a.id, "b": b.id, "c": c.id, "d": d.id, "e": e.id}


def test_completion_counted_by_hand(db, people):
    p = people
    everyone = list(p.values())
    # May, against the monthly targets: a 2,250.50 / 3,000; e nothing sold of 1,000; b's target is 0, c has only
    # an annual one, d none: no figure for them.
    assert kpis.target_completion(everyone, MAY) == {p["a"]: Decimal("75.02"), p["e"]: Decimal("0.00")}
    # A quarter is measured against the annual target: a 2,250.50 + 800 of 40,000; b 1,000 of 30,000; c's sale
    # falls in July.
    assert kpis.target_completion(everyone, Q2) == {p["a"]: Decimal("7.63"), p["b"]: Decimal("3.33"),
                                                    p["c"]: Decimal("0.00")}
    # The year: a 4,050.50 of 40,000 (10.12625 %); c 2,000 of 20,000.
    assert kpis.target_completion(everyone, YEAR) == {p["a"]: Decimal("10.13"), p["b"]: Decimal("3.33"),
                                                      p["c"]: Decimal("10.00")}
    # Only the people asked for, and a figure is a Decimal rounded to the cent.
    only = kpis.target_completion([p["a"], p["d"]], YEAR)
    assert only == {p["a"]: Decimal("10.13")} and isinstance(only[p["a"]], Decimal)
    assert kpis.target_completion([], YEAR) == {}


@pytest.mark.parametrize("period", [MAY, Q2, YEAR], ids=["month", "quarter", "year"])
def test_agrees_with_the_revenue_kpi_against_the_targets(db, people, period):
    """The figure ``sales_kpis`` composes from the period's sales and the targets read apart."""
    everyone = list(people.values())
    assert kpis.target_completion(everyone, period) == kpis.sales_kpis(everyone, period)[
        "pipeline.target_completion"]


def add_sales(db, owner_id: int, customer_id: int, product_id: int, orders: int, lines: int) -> None:
    """``orders`` May orders of ``lines`` lines of 10.00 each for ``owner_id``, inserted in bulk."""
    start = db.session.query(Order).count()
    ids = list(db.session.scalars(insert(Order).returning(Order.id, sort_by_parameter_order=True), [
        {"number": f"TCB-{start + i}", "customer_id": customer_id, "owner_id": owner_id, "status": "confirmed",
         "total": Decimal(10 * lines), "channel": "direct", "version": 1,
         "ordered_at": datetime(2026, 5, 1 + i % 28, 12)} for i in range(orders)]))
    db.session.execute(insert(OrderLine), [
        {"order_id": order_id, "product_id": product_id, "quantity": Decimal("1"), "unit_price": Decimal("10"),
         "revenue": Decimal("10"), "cost": Decimal("5")} for order_id in ids for _ in range(lines)])
    db.session.commit()


def test_one_statement_whatever_the_number_of_people_and_lines(db, team, customer, products, make_user,
                                                               count_queries):
    from core.timeutil import period_bounds

    boss = team["supervisor"]
    set_target(db.session, year=2026, user_id=team["rep"].id, month=5, amount=Decimal("400"), set_by=boss)
    add_sales(db, team["rep"].id, customer.id, products[0].id, orders=2, lines=1)
    rep = team["rep"].id
    period_bounds(MAY)  # the company time zone, read before counting (creating users reloads the settings)
    with count_queries() as small:
        assert kpis.target_completion([rep], MAY) == {rep: Decimal("5.00")}
    many = [make_user(f"tc-many{i}", roles=["sales_rep"], superior_id=boss.id).id for i in range(8)]
    for i, uid in enumerate(many):
        set_target(db.session, year=2026, user_id=uid, month=5, amount=Decimal("1000"), set_by=boss)
        add_sales(db, uid, customer.id, products[0].id, orders=10 + i, lines=3)
    add_sales(db, rep, customer.id, products[0].id, orders=38, lines=1)
    period_bounds(MAY)
    with count_queries() as large:
        values = kpis.target_completion([rep, *many], MAY)
    # 40 orders of 10.00 for the representative: 400 of 400; the others (10 + i) × 3 lines × 10.00 of 1,000.
    assert values == {rep: Decimal("100.00"), **{uid: Decimal(3 * (10 + i)) for i, uid in enumerate(many)}}
    assert len(small) == len(large) == 1, "\n".join(large)
