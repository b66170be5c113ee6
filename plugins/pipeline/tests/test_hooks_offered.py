"""What the pipeline offers the core and other plugins through hooks: menus, widgets, search, object URLs, timeline
entries, data sets (all scoped), and the demo company."""

from __future__ import annotations

from decimal import Decimal
from random import Random

from flask import render_template
from sqlalchemy import func, select

from core.contracts import DashboardWidget, DatasetDef, MenuItem, SearchResult, TimelineEntry


def engine(app):
    return app.extensions["netsales"]


def test_search_finds_only_deals_and_orders_in_scope(app, db, deal, team, make_user, products):
    stranger = make_user("stranger", roles=["sales_rep"], position="sales_rep")
    with app.test_request_context():  # search runs in a request (it builds links)
        mine = engine(app).collect("global_search", SearchResult, only="pipeline", query="CRM", user=team["rep"],
                                   limit=10)
        theirs = engine(app).collect("global_search", SearchResult, only="pipeline", query="CRM", user=stranger,
                                     limit=10)
    assert {r.kind for r in mine} == {"deal", "product"}
    assert {r.kind for r in theirs} == {"product"}


def test_object_url_and_timeline_of_a_deal(app, db, deal, team):
    from plugins.pipeline.services.stages import move_deal

    with app.test_request_context():
        assert engine(app).first("object_url", obj=deal) == f"/pipeline/deals/{deal.id}"
    move_deal(db.session, deal, "needs", team["rep"])
    move_deal(db.session, deal, "development", team["rep"], note="换了负责人")
    entries = engine(app).collect("timeline_entries", TimelineEntry, only="pipeline", obj=deal, user=team["rep"])
    assert len(entries) == 2 and any("换了负责人" in e.text for e in entries)


def test_datasets_are_scoped(app, db, deal, team, customer, products, make_user):
    from plugins.pipeline.models import Order, OrderLine

    order = Order(number="SO-9", customer_id=customer.id, owner_id=team["rep"].id, total=Decimal("798"))
    order.lines.append(OrderLine(product_id=products[1].id, quantity=Decimal("2"), unit_price=Decimal("399"),
                                 revenue=Decimal("798"), cost=Decimal("420")))
    db.session.add(order)
    db.session.commit()
    sets = {d.key: d for d in engine(app).collect("register_datasets", DatasetDef, only="pipeline")}
    rows = db.session.execute(sets["pipeline.order_lines"].query(team["supervisor"])).mappings().all()
    assert [(r["product"], r["category"], r["revenue"], r["cost"]) for r in rows] == [
        ("扫码枪", "hardware", Decimal("798.00"), Decimal("420.00"))]
    stranger = make_user("stranger", roles=["sales_rep"], position="sales_rep")
    assert db.session.execute(sets["pipeline.order_lines"].query(stranger)).all() == []
    assert len(db.session.execute(sets["pipeline.deals"].query(team["rep"])).all()) == 1


def test_menu_and_widgets_render_for_a_representative(app, db, deal, team):
    menu = {m.key for m in engine(app).collect("menu_items", MenuItem, only="pipeline", user=team["rep"])}
    assert {"pipeline", "pipeline.deals", "pipeline.orders"} <= menu
    widgets = engine(app).collect("dashboard_widgets", DashboardWidget, only="pipeline", user=team["rep"])
    with app.test_request_context():
        from flask_login import login_user

        login_user(team["rep"])
        for widget in widgets:
            html = render_template(widget.template, **widget.context(team["rep"]))
            assert html.strip()
        stages = next(w for w in widgets if w.key == "pipeline.stages")
        assert stages.context(team["rep"])["total"] == 1


def test_demo_data_has_products_two_years_of_orders_deals_in_every_stage_and_tickets(app, db):
    from core.identity.demo import create_demo_people
    from plugins.crm.demo import load as load_crm
    from plugins.pipeline.demo import load
    from plugins.pipeline.models import Deal, Order, Product, Ticket

    rng = Random(1)
    create_demo_people(db.session, rng)
    load_crm(db.session, rng)
    load(db.session, rng)
    db.session.commit()
    assert db.session.scalar(select(func.count(Product.id))) == 40
    first, last = db.session.execute(select(func.min(Order.ordered_at), func.max(Order.ordered_at))).one()
    assert (last - first).days > 600
    assert len(set(db.session.scalars(select(Order.channel).distinct()))) >= 5
    stages = set(db.session.scalars(select(Deal.stage).where(Deal.status == "open").distinct()))
    assert stages == {"development", "needs", "quotation", "negotiation", "contract"}
    assert db.session.scalar(select(func.count(Ticket.id))) > 0
