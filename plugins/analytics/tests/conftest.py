"""Shared set-up for analytics' tests: a sales team, customers, products and orders written straight to the
pipeline's tables (analytics reads them only through the pipeline's data set)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest


@pytest.fixture
def team(app, make_user):
    manager = make_user("mgr", roles=["sales_manager"], position="sales_manager")
    supervisor = make_user("sup", roles=["sales_supervisor"], position="sales_supervisor", superior_id=manager.id)
    rep = make_user("rep", roles=["sales_rep"], position="sales_rep", superior_id=supervisor.id)
    other = make_user("rep2", roles=["sales_rep"], position="sales_rep", superior_id=supervisor.id)
    outsider = make_user("rep3", roles=["sales_rep"], position="sales_rep", superior_id=manager.id)
    return {"manager": manager, "supervisor": supervisor, "rep": rep, "other": other, "outsider": outsider}


class Shop:
    """Writes customers, products and orders the way the pipeline keeps them."""

    def __init__(self, db) -> None:
        self.db = db
        self.n = 0
        self.products: dict[str, object] = {}

    def customer(self, owner, name: str | None = None):
        from plugins.crm.models import Customer

        self.n += 1
        name = name or f"客户{self.n}"
        row = Customer(name=name, name_key=name, owner_id=owner.id, state="customer")
        self.db.session.add(row)
        self.db.session.flush()
        return row

    def product(self, name: str, category: str):
        from plugins.pipeline.models import Product

        if name not in self.products:
            self.n += 1
            row = Product(sku=f"SKU-{self.n}", name=name, category=category, list_price=Decimal("100"),
                          cost=Decimal("50"))
            self.db.session.add(row)
            self.db.session.flush()
            self.products[name] = row
        return self.products[name]

    def order(self, customer, owner, at: datetime, lines: list[tuple[str, str, str]], channel: str = "direct",
              status: str = "confirmed"):
        """``lines``: (product, category, revenue); ``at`` is naive UTC as stored."""
        from plugins.pipeline.models import Order, OrderLine

        self.n += 1
        order = Order(number=f"SO-{self.n:05d}", channel=channel, customer_id=customer.id, owner_id=owner.id,
                      status=status, ordered_at=at)
        self.db.session.add(order)
        self.db.session.flush()
        for name, category, revenue in lines:
            product = self.product(name, category)
            self.db.session.add(OrderLine(order_id=order.id, product_id=product.id, quantity=Decimal("1"),
                                          unit_price=Decimal(revenue), revenue=Decimal(revenue),
                                          cost=Decimal(revenue) / 2))
        self.db.session.flush()
        return order


@pytest.fixture
def shop(db):
    return Shop(db)


@pytest.fixture
def english(app):
    from flask_babel import force_locale

    with force_locale("en"):
        yield
