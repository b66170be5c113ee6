"""The header's search box over deals, products and orders (GET /search): deals by a word of their title, orders
from the start of their number or of the shop's order number; only what the searcher's scope holds (R2, R11); a
fixed number of statements whatever the number of matches."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from core.contracts import SearchResult
from core.timeutil import utcnow

NUMBERS = ["SO-2026-000123", "SO-2026-000190", "SO-2026-000199", "SO-2026-001000", "SO-2025-000123", "SH-2026-000001",
           "SO-9", "SO-90", "SOZ-1", "SO-Z1", "SO.1", "so-2026-7", "SO-2026-"]


@pytest.fixture
def found(app):
    """found(query, user) -> {(kind, title, snippet)} of the pipeline's answers, as the results page gets them."""
    engine = app.extensions["netsales"]

    def search(query, user, limit=20):
        with app.test_request_context("/"):
            results = engine.collect("global_search", SearchResult, only="pipeline", query=query, user=user,
                                     limit=limit)
        return {(r.kind, r.title, r.snippet) for r in results}

    return search


@pytest.fixture
def add_order(db):
    from plugins.pipeline.models import Order

    made = [0]

    def add(number, customer, owner, channel="direct", external_number=None):
        made[0] += 1
        order = Order(number=number, channel=channel, external_number=external_number, customer_id=customer.id,
                      owner_id=owner.id, total=Decimal("100"), ordered_at=utcnow() - timedelta(minutes=made[0]))
        db.session.add(order)
        db.session.commit()
        return order

    return add


@pytest.fixture
def other_team(db, team, make_user):
    """A supervisor with a representative of their own, and that representative's customer."""
    from plugins.crm.models import Customer

    supervisor = make_user("sup2", roles=["sales_supervisor"], position="sales_supervisor",
                           superior_id=team["manager"].id)
    rep = make_user("rep3", roles=["sales_rep"], position="sales_rep", superior_id=supervisor.id)
    customer = Customer(name="上海星海贸易有限公司", name_key="上海星海贸易", owner_id=rep.id, state="customer")
    db.session.add(customer)
    db.session.commit()
    return {"supervisor": supervisor, "rep": rep, "customer": customer}


def titles(results, kind):
    return {title for k, title, _snippet in results if k == kind}


def test_orders_are_found_by_the_start_of_their_number_in_any_case(app, db, team, customer, add_order, found):
    for number in NUMBERS:
        add_order(number, customer, team["rep"])
    rep = team["rep"]
    for query in ("SO-2026-000123", "SO-2026-0001", "so-2026-0001", "SO-2026-00019", "SO-2026-", "SO-9", "SOZ-1",
                  "SO-Z1", "SO.1", "so-2026-7"):
        expected = {n for n in NUMBERS if n.startswith(query) or n.startswith(query.upper())}
        assert titles(found(query, rep), "order") == expected, query
    assert ("order", "SO-2026-000123", customer.name) in found("SO-2026-000123", rep)
    assert titles(found("SO-2026-0001%", rep), "order") == set()  # "%" is a plain character


def test_orders_are_found_by_the_shops_order_number(app, db, team, customer, add_order, found):
    add_order("SH-2026-000001", customer, team["rep"], "tmall", "3812345678901234")
    add_order("SH-2026-000002", customer, team["rep"], "jd", "JD-2026-7788")
    add_order("SH-2026-000003", customer, team["rep"], "douyin", "3812349999")
    rep = team["rep"]
    assert titles(found("3812345678901234", rep), "order") == {"SH-2026-000001"}
    assert titles(found("381234", rep), "order") == {"SH-2026-000001", "SH-2026-000003"}
    assert titles(found("jd-2026-77", rep), "order") == {"SH-2026-000002"}


def test_a_text_that_is_no_order_number_finds_no_order(app, db, team, customer, add_order, found):
    add_order("SO-2026-000123", customer, team["rep"])
    for query in ("杭州", "SO 2026", "SO-"):  # words, spaces, no digit
        assert titles(found(query, team["rep"]), "order") == set(), query


def test_deals_are_found_by_a_word_of_their_title_with_the_customers_name(app, db, team, customer, deal, found):
    from plugins.pipeline.models import Deal

    db.session.add(Deal(title="云帆 100% 续约", customer_id=customer.id, owner_id=team["rep"].id))
    db.session.commit()
    assert ("deal", "CRM 采购", customer.name) in found("crm", team["rep"])
    assert titles(found("采购", team["rep"]), "deal") == {"CRM 采购"}
    assert titles(found("100%", team["rep"]), "deal") == {"云帆 100% 续约"}
    assert titles(found("0%", team["rep"]), "deal") == {"云帆 100% 续约"}
    assert titles(found("C_M", team["rep"]), "deal") == set()  # "_" is a plain character


def test_each_user_finds_only_the_deals_and_orders_of_their_scope(app, db, team, customer, deal, other_team,
                                                                 add_order, found):
    from plugins.pipeline.models import Deal

    db.session.add(Deal(title="星海 CRM 采购", customer_id=other_team["customer"].id, owner_id=other_team["rep"].id))
    db.session.commit()
    add_order("SO-2026-000001", customer, team["rep"])
    add_order("SO-2026-000002", other_team["customer"], other_team["rep"])
    add_order("SH-2026-000003", other_team["customer"], other_team["rep"], "tmall", "2026000003")
    ours, theirs = {"CRM 采购"}, {"星海 CRM 采购"}
    expected = {
        team["rep"]: (ours, {"SO-2026-000001"}),
        team["other"]: (set(), set()),  # the same team, not their records
        team["supervisor"]: (ours, {"SO-2026-000001"}),
        other_team["rep"]: (theirs, {"SO-2026-000002", "SH-2026-000003"}),
        other_team["supervisor"]: (theirs, {"SO-2026-000002", "SH-2026-000003"}),
        team["manager"]: (ours | theirs, {"SO-2026-000001", "SO-2026-000002", "SH-2026-000003"}),
    }
    for user, (deals, orders) in expected.items():
        assert titles(found("CRM", user), "deal") == deals, user.login
        assert titles(found("SO-2026", user), "order") | titles(found("2026000003", user), "order") == orders, \
            user.login


def test_the_search_page_shows_deals_and_orders(app, db, client, team, customer, deal, add_order, login_as):
    order = add_order("SO-2026-000123", customer, team["rep"])
    login_as(team["rep"])
    page = client.get("/search", query_string={"q": "so-2026-0001"}).get_data(as_text=True)
    assert f'href="/pipeline/orders/{order.id}"' in page and "SO-2026-000123" in page
    page = client.get("/search", query_string={"q": "CRM 采"}).get_data(as_text=True)
    assert f'href="/pipeline/deals/{deal.id}"' in page
    for odd in ("%_%", "SO-2026-\\", "9" * 100, "Z" * 50, "'; drop table pipeline_order; --"):
        assert client.get("/search", query_string={"q": odd}).status_code == 200


@pytest.mark.parametrize("role", ["rep", "supervisor", "manager"])
def test_a_search_makes_the_same_statements_however_many_rows_match(app, db, team, customer, products, add_order,
                                                                    count_queries, role):
    from plugins.pipeline.models import Deal

    engine = app.extensions["netsales"]
    user = team[role]

    def statements(query):
        with app.test_request_context("/"):
            engine.collect("global_search", SearchResult, only="pipeline", query=query, user=user, limit=20)
            with count_queries() as run:
                results = engine.collect("global_search", SearchResult, only="pipeline", query=query, user=user,
                                         limit=20)
        return len(run), len(results)

    def grow(start, count):
        for k in range(start, start + count):
            db.session.add(Deal(title=f"SO-2026 续约 {k}", customer_id=customer.id, owner_id=team["rep"].id))
            add_order(f"SO-2026-{k:06d}", customer, team["rep"])

    grow(0, 1)
    few = statements("SO-2026"), statements("SO-2026-0000")
    grow(1, 30)
    many = statements("SO-2026"), statements("SO-2026-0000")
    assert few == ((3, 2), (3, 1))  # deals, products, orders
    # Twenty deals fill the first answer (products and orders are not asked for); orders fill the second.
    assert many == ((1, 20), (3, 20))


def test_prefix_match_holds_in_the_databases_collation_and_a_linguistic_one(app, db, team, customer, add_order):
    """The range that serves a prefix from a plain index must keep every value starting with it under any
    collation: under a linguistic one (ICU, en_US), "SO-:" (a code-point successor of "SO-9") sorts before "SO-9"."""
    from core.db.substring_index import prefix_match
    from plugins.pipeline.models import Order

    for number in NUMBERS:
        add_order(number, customer, team["rep"])
    columns = [Order.number]
    if db.engine.dialect.name == "postgresql":
        available = db.session.scalars(text("SELECT collname FROM pg_collation WHERE collname IN "
                                            "('en-US-x-icu', 'zh-Hans-CN-x-icu', 'en_US.utf8')"))
        columns += [Order.number.collate(name) for name in sorted(available)]
    for column in columns:
        for prefix in ("SO-2026-0001", "SO-2026-00019", "SO-9", "SOZ", "SO-Z", "SO-2026-", "SO.", "SO-2026-000199",
                       "so-"):
            expected = {n for n in NUMBERS if n.startswith(prefix)}
            assert set(db.session.scalars(select(Order.number).where(prefix_match(column, prefix)))) == expected, \
                (str(column), prefix)


def test_the_search_finds_what_the_core_conditions_find_for_every_shape_of_text(app, db, team, customer, deal,
                                                                               other_team, add_order, found):
    """The search's statements are built once per shape with the text as parameters (issue 18): they must find
    what core.db.substring_index's prefix_match and contains_any_case find, for texts of every shape (a prefix
    ending in 9 or Z, one with no digit or letter to raise: equality; lower and upper case; "%", "_" and "/"), for
    each scope (the statements are shared between users)."""
    from sqlalchemy import or_, select

    from core.db.substring_index import contains_any_case, prefix_match
    from core.security import scoped
    from plugins.pipeline.models import Deal, Order

    db.session.add(Deal(title="Sales 50% 续约/二期", customer_id=other_team["customer"].id,
                        owner_id=other_team["rep"].id))
    db.session.commit()
    for number, owner, shop, external in (("SO-2026-000199", team["rep"], "direct", None),
                                          ("SO-9", team["rep"], "direct", None),
                                          ("SH-2026-000001", team["rep"], "tmall", "9999"),
                                          ("SH-2026-000002", other_team["rep"], "jd", "99990"),
                                          ("SH-2026-000003", other_team["rep"], "douyin", "jd-Z9")):
        customer_of = customer if owner is team["rep"] else other_team["customer"]
        add_order(number, customer_of, owner, shop, external)
    queries = ("SO-2026-0001", "so-2026", "SO-9", "9999", "99990", "jd-z9", "JD-Z9", "Z9", "crm", "CRM 采", "sales",
               "50%", "0%", "续约/", "_", "%", "采购")
    users = (team["rep"], team["supervisor"], team["manager"], other_team["rep"], other_team["supervisor"])
    answered = 0
    for user in users:
        for query in queries:
            deals = db.session.execute(scoped(select(Deal.title).where(contains_any_case(Deal.title, query)), Deal,
                                              "pipeline.deal.view", user)).scalars()
            expected = {("deal", title) for title in deals}
            if any(c.isdigit() for c in query) and " " not in query and "%" not in query and "/" not in query:
                texts = {query, query.upper()}
                numbers = db.session.execute(scoped(select(Order.number).where(or_(
                    *(prefix_match(Order.number, text) for text in texts),
                    *(prefix_match(Order.external_number, text) for text in texts))), Order,
                    "pipeline.order.view", user)).scalars()
                expected |= {("order", number) for number in numbers}
            got = {(kind, title) for kind, title, _ in found(query, user) if kind != "product"}
            assert got == expected, (user.login, query)
            answered += bool(expected)
    assert answered >= 35  # the texts find something for most users: the comparison is not of nothing
