"""The pipeline's JSON API: scopes (404 outside), moves with the optimistic lock, shop orders posted twice."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select


def test_deals_list_is_scoped_and_a_move_checks_the_version_and_exit_rule(client, login_as, db, deal, team,
                                                                         make_user):
    login_as(team["rep"])
    listed = client.get("/api/v1/pipeline/deals").get_json()
    assert [d["id"] for d in listed["items"]] == [deal.id]
    assert listed["items"][0]["probability"] == 10 and listed["items"][0]["weighted_value"] == "2000.00"
    moved = client.post(f"/api/v1/pipeline/deals/{deal.id}/move", json={"stage": "needs", "expected_version": 1})
    assert moved.status_code == 200 and moved.get_json()["version"] == 2
    stale = client.post(f"/api/v1/pipeline/deals/{deal.id}/move", json={"stage": "development",
                                                                        "expected_version": 1})
    assert stale.status_code == 409
    refused = client.post(f"/api/v1/pipeline/deals/{deal.id}/move", json={"stage": "quotation",
                                                                          "expected_version": 2})
    assert refused.status_code == 422 and "stage" in refused.get_json()["error"]["fields"]
    login_as(make_user("stranger", roles=["sales_rep"], position="sales_rep"))
    assert client.get("/api/v1/pipeline/deals").get_json()["items"] == []
    assert client.post(f"/api/v1/pipeline/deals/{deal.id}/move",
                       json={"stage": "development", "expected_version": 2}).status_code == 404


def test_posting_the_same_shop_order_twice_creates_one(client, login_as, db, team, products):
    from plugins.pipeline.models import Order

    order = {"channel": "douyin", "order_number": "DY-77", "customer": "王五", "phone": "13700000000",
             "lines": [{"sku": "NS-HW-1", "quantity": 2, "unit_price": "399.00"}]}
    login_as(team["rep"])
    first = client.post("/api/v1/pipeline/orders", json=order)
    assert first.status_code == 201 and first.get_json()["order"]["total"] == "798.00"
    second = client.post("/api/v1/pipeline/orders", json=order)
    assert second.status_code == 200 and second.get_json()["created"] is False
    assert db.session.query(Order).count() == 1
    bad = client.post("/api/v1/pipeline/orders", json={**order, "order_number": "DY-78",
                                                       "lines": [{"sku": "NOPE", "quantity": 1, "unit_price": 1}]})
    assert bad.status_code == 422
    assert db.session.scalar(select(Order.id).where(Order.external_number == "DY-78")) is None


def test_products_and_orders_appear_in_the_openapi_document(client, login_as, team, products):
    login_as(team["rep"])
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/pipeline/products", "/api/v1/pipeline/deals/{deal_id}/move", "/api/v1/pipeline/orders"):
        assert path in paths
    listed = client.get("/api/v1/pipeline/products?q=CRM").get_json()
    assert [p["sku"] for p in listed["items"]] == ["NS-CRM-1"]
    assert listed["items"][0]["list_price"] == "19800.00"
    assert Decimal(listed["items"][0]["tax_rate"]) == Decimal("0.06")
