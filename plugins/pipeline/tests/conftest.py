"""Shared set-up for the pipeline's tests: a small sales team, a customer, two products."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from core.timeutil import local_today


@pytest.fixture
def team(app, make_user):
    manager = make_user("mgr", roles=["sales_manager"], position="sales_manager")
    supervisor = make_user("sup", roles=["sales_supervisor"], position="sales_supervisor", superior_id=manager.id)
    rep = make_user("rep", roles=["sales_rep"], position="sales_rep", superior_id=supervisor.id)
    other = make_user("rep2", roles=["sales_rep"], position="sales_rep", superior_id=supervisor.id)
    return {"manager": manager, "supervisor": supervisor, "rep": rep, "other": other}


@pytest.fixture
def customer(db, team):
    from plugins.crm.models import Customer

    row = Customer(name="杭州云帆科技有限公司", name_key="杭州云帆科技", owner_id=team["rep"].id,
                   email="buyer@yunfan.example", phone="13800138000", state="customer")
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def products(db):
    from plugins.pipeline.models import Product

    rows = [Product(sku="NS-CRM-1", name="网销 CRM 年费", category="software", list_price=Decimal("19800.00"),
                    cost=Decimal("4000.00"), tax_rate=Decimal("0.06")),
            Product(sku="NS-HW-1", name="扫码枪", category="hardware", list_price=Decimal("399.00"),
                    cost=Decimal("210.00"), tax_rate=Decimal("0.13"), unit="台")]
    db.session.add_all(rows)
    db.session.commit()
    return rows


@pytest.fixture
def deal(db, team, customer):
    from plugins.pipeline.models import Deal

    row = Deal(title="CRM 采购", customer_id=customer.id, owner_id=team["rep"].id, expected_value=Decimal("20000"))
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def next_month():
    return local_today() + timedelta(days=30)


@pytest.fixture
def english(app):
    """Service messages in English (the source language) for tests that match their wording; the pages' tests
    keep the default Chinese."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield


def sign_contract(db, deal, user, number: str = "HT-2026-100"):
    """Record the deal's signed sales contract (R6.5.1): an order may then be made from its accepted quotation."""
    from plugins.pipeline.services.orders import record_contract

    contract = record_contract(db.session, deal, user, number, local_today())
    db.session.commit()
    return contract
