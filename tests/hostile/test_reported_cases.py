"""The crafted inputs of issue 11 F4 and F6, one by one: each was a 500 (or a stored 1e40) before."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from core.api.tokens import create_token

NINES = "9" * 40


@pytest.fixture
def manager(app, db, make_user, login_as):  # type: ignore[no-untyped-def]
    user = make_user("f4-manager", roles=["sales_manager"])
    login_as(user)
    return user


def _targets(db):  # type: ignore[no-untyped-def]
    from plugins.pipeline.models import SalesTarget

    return db.session.scalar(select(func.count()).select_from(SalesTarget))


def test_a_target_of_40_nines_is_refused_next_to_the_field(app, db, client, manager):
    before = _targets(db)
    for amount in (NINES, "1e40", "1e309", "NaN", "-5", "1000000000000"):
        answer = client.post("/pipeline/targets", data={"year": "2026", "user_id": "", "month": "", "amount": amount})
        assert answer.status_code == 422, amount
        assert 'id="amount-error"' in answer.get_data(as_text=True)  # the message is next to the field
    assert _targets(db) == before
    answer = client.post("/pipeline/targets", data={"year": "2026", "user_id": "", "month": "",
                                                    "amount": "999999999999.99"})
    assert answer.status_code == 302  # the largest amount the column holds is taken


def test_the_targets_page_survives_any_stored_target(app, db, client, manager):
    from plugins.pipeline.models import SalesTarget

    # SQLite stored the 40 nines as 1e40 (PostgreSQL refuses it): the page must show whatever is stored.
    huge = Decimal("1E+40") if db.engine.dialect.name == "sqlite" else Decimal("999999999999.99")
    db.session.add(SalesTarget(year=2026, user_id=None, month=None, amount=huge, set_by_id=manager.id))
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("UPDATE pipeline_sales_target SET amount = '9999999999999999999999999999999999999999'"))
        db.session.commit()
    answer = client.get("/pipeline/targets?year=2026")
    assert answer.status_code == 200  # was decimal.InvalidOperation in the money filter
    assert ("10,000,000,000,000" if db.engine.dialect.name == "sqlite" else "999,999,999,999.99") in \
        answer.get_data(as_text=True)


def test_a_product_price_no_column_holds_is_refused(app, db, client, make_user, login_as):
    from plugins.pipeline.models import Product

    login_as(make_user("f4-admin", roles=["admin"]))
    before = db.session.scalar(select(func.count()).select_from(Product))
    for price in (NINES, "1e309", "Infinity", "-1"):
        answer = client.post("/pipeline/products/new", data={"sku": "F4", "name": "Huge", "category": "x",
                                                              "list_price": price, "unit": "件", "tax_rate": "13"})
        assert answer.status_code == 422, price
    assert db.session.scalar(select(func.count()).select_from(Product)) == before


def _customer(db, owner, value="50000"):  # type: ignore[no-untyped-def]
    from plugins.crm.services import customers

    customer = customers.create_customer(db.session, {"name": "Acme", "potential_value": value}, owner)
    db.session.commit()
    return customer


def test_a_customer_edit_without_potential_value_keeps_it(app, db, client, make_user, login_as):
    admin = make_user("f6-admin", roles=["admin"])
    customer = _customer(db, admin)
    login_as(admin)
    answer = client.post(f"/crm/customers/{customer.id}/edit", data={"name": "Acme Ltd", "kind": "company"})
    assert answer.status_code == 302  # was TypeError: Length(max=20) measured the stored Decimal
    db.session.refresh(customer)
    assert customer.name == "Acme Ltd" and customer.potential_value == Decimal("50000.00")
    refused = client.post(f"/crm/customers/{customer.id}/edit", data={"name": "Acme", "potential_value": NINES})
    assert refused.status_code == 422
    db.session.refresh(customer)
    assert customer.potential_value == Decimal("50000.00")


def test_a_20_digit_contact_id_is_a_field_error_in_the_form_and_the_api(app, db, client, make_user, login_as):
    from plugins.crm.models import Interaction

    admin = make_user("f6-admin", roles=["admin"])
    customer = _customer(db, admin)
    _token, secret = create_token(db.session, admin.id, "f6", None)
    db.session.commit()
    login_as(admin)
    for contact_id in ("9" * 20, "99999999999", "-1", "²"):
        answer = client.post(f"/crm/customers/{customer.id}/interactions",
                             data={"kind": "call", "summary": "Called", "contact_id": contact_id})
        assert answer.status_code == 422, contact_id
    for contact_id in (10**20, 2**31, -1, 0):
        answer = client.post(f"/api/v1/crm/customers/{customer.id}/interactions",
                             json={"kind": "call", "summary": "Called", "contact_id": contact_id},
                             headers={"Authorization": f"Bearer {secret}"})
        assert answer.status_code == 422, contact_id
        assert "contact_id" in answer.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Interaction)) == 0


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/crm/customers", {"name": "Big", "potential_value": NINES}, "potential_value"),
    ("/api/v1/crm/customers", {"name": "Big", "potential_value": 1e40}, "potential_value"),
    ("/api/v1/pipeline/orders", {"channel": "tmall", "order_number": "F4-1", "customer": "Big",
                                 "lines": [{"sku": "X", "quantity": 1, "unit_price": NINES}]}, "lines.0.unit_price"),
    ("/api/v1/expenses/claims", {"title": "Big", "lines": [{"expense_date": "2026-01-05", "category_id": 1,
                                                           "amount": NINES, "description": "x",
                                                           "invoice_number": "A1"}]}, "lines.0.amount"),
])
def test_api_amounts_no_column_holds_are_a_422_naming_the_field(app, db, client, make_user, path, body, field):
    admin = make_user("f4-api", roles=["admin"])
    _token, secret = create_token(db.session, admin.id, "f4", None)
    db.session.commit()
    answer = client.post(path, json=body, headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 422
    assert field in answer.get_json()["error"]["fields"]


def test_a_nul_character_in_a_form_is_a_400_and_saves_nothing(app, db, client, make_user, login_as):
    from core.api.models import ApiToken

    # PostgreSQL refused the INSERT of a token named "\x00" (a 500); found by tests/hostile.
    login_as(make_user("nul-sender"))
    for data in ({"name": "\x00", "expires": "30"}, {"name": "a\x00b", "expires": "30"}, {"name\x00": "x"}):
        assert client.post("/account/tokens", data=data).status_code == 400
    assert client.get("/account/tokens?q=%00").status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0
    assert client.post("/account/tokens", data={"name": "fine", "expires": "30"}).status_code == 200


def test_a_department_named_again_with_non_ascii_capitals_is_a_field_error(app, db, client, make_user, login_as):
    from core.identity.models import Department

    # SQLite's lower() folds ASCII only: the duplicate check missed "Ä区" and the unique index answered 500.
    login_as(make_user("dept-admin", roles=["admin"]))
    assert client.post("/admin/departments/new", data={"name": "Ä区"}).status_code == 302
    before = db.session.scalar(select(func.count()).select_from(Department))
    again = client.post("/admin/departments/new", data={"name": "Ä区"})
    assert again.status_code == 200 and 'class="field-error"' in again.get_data(as_text=True)  # the form, with why
    assert db.session.scalar(select(func.count()).select_from(Department)) == before


def test_a_sku_given_again_with_non_ascii_capitals_is_a_field_error(app, db, client, make_user, login_as):
    from plugins.pipeline.models import Product

    login_as(make_user("sku-admin", roles=["admin"]))
    data = {"sku": "Ä-1", "name": "Umlaut", "category": "x", "list_price": "10", "unit": "件", "tax_rate": "13"}
    assert client.post("/pipeline/products/new", data=data).status_code == 302
    before = db.session.scalar(select(func.count()).select_from(Product))
    assert client.post("/pipeline/products/new", data=data).status_code == 422  # was IntegrityError on SQLite
    assert db.session.scalar(select(func.count()).select_from(Product)) == before
