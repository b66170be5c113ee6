"""The board, the deal list and the order list make the same number of SQL statements whatever the number of rows
(DESIGN.md: lists paginate in SQL; counted with a before_cursor_execute listener at two data sizes)."""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import event, insert

from plugins.pipeline.models import STAGES, Deal, Order, OrderLine


@contextmanager
def counting(engine):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def add_rows(db, owner, customer, product, n: int) -> None:
    deals = [{"title": f"Deal {i}", "customer_id": customer.id, "owner_id": owner.id, "stage": STAGES[i % 6],
              "status": "open", "expected_value": Decimal("1000"), "version": 1} for i in range(n)]
    db.session.execute(insert(Deal), deals)
    start = db.session.query(Order).count()
    orders = [{"number": f"T-{start + i}", "customer_id": customer.id, "owner_id": owner.id, "status": "confirmed",
               "total": Decimal("10"), "cost_total": Decimal("5"), "channel": "direct", "version": 1}
              for i in range(n)]
    ids = list(db.session.scalars(insert(Order).returning(Order.id, sort_by_parameter_order=True), orders))
    db.session.execute(insert(OrderLine), [{"order_id": i, "product_id": product.id, "quantity": Decimal("1"),
                                            "unit_price": Decimal("10"), "revenue": Decimal("10"),
                                            "cost": Decimal("5")} for i in ids])
    db.session.commit()


@pytest.mark.parametrize("path", ["/pipeline/board", "/pipeline/deals", "/pipeline/orders",
                                  "/pipeline/deals?stage=needs&sort=-value", "/pipeline/board?page_needs=2"])
def test_the_number_of_queries_does_not_grow_with_the_rows(client, login_as, db, team, customer, products, path):
    login_as(team["supervisor"])  # team scope: the scope filter is part of every query
    add_rows(db, team["rep"], customer, products[0], 8)
    client.get(path)  # warm-up
    with counting(db.engine) as small:
        assert client.get(path).status_code == 200
    add_rows(db, team["rep"], customer, products[0], 120)
    with counting(db.engine) as large:
        assert client.get(path).status_code == 200
    assert len(large) == len(small), "\n".join(large)
