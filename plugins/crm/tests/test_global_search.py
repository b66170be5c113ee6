"""The header's search box over customers and contacts (GET /search): customers through the customer list's
substring index (the list's normalisation), contacts by their customer, phone, e-mail or name; only what the
searcher's scope holds (R11); a fixed number of statements whatever the number of matches."""

from __future__ import annotations

import pytest

from core.contracts import SearchResult


@pytest.fixture
def found(app):
    """found(query, user) -> {(kind, title, snippet)} of the CRM's answers, as the results page gets them."""
    engine = app.extensions["netsales"]

    def search(query, user, limit=20):
        with app.test_request_context("/"):
            results = engine.collect("global_search", SearchResult, only="crm", query=query, user=user, limit=limit)
        answers = [(r.kind, r.title, r.snippet) for r in results]
        assert len(set(answers)) == len(answers), answers  # no answer twice (one branch of the statement runs)
        return set(answers)

    return search


@pytest.fixture
def add_contact(db):
    from plugins.crm.services.contacts import add_contact

    def add(customer, owner, **data):
        contact = add_contact(db.session, customer, data, owner)
        db.session.commit()
        return contact

    return add


def titles(results, kind=None):
    return {title for k, title, _snippet in results if kind is None or k == kind}


def test_customers_are_found_by_a_word_inside_the_name_phone_digits_and_e_mail(app, db, org, new_customer, found):
    xinghe = new_customer(org.rep1, name="北京星河科技有限公司", phone="138 0013 8000", email="Sales@XingHe.cn",
                          region="北京")
    new_customer(org.rep1, name="上海云帆贸易", phone="13911112222", email="buy@yunfan.cn")
    for query in ("星河", "北京 星河", "星河科技", "8000", "138 0013", "138-0013-8000", "xinghe", "@XINGHE",
                  "sales@xinghe.cn"):
        assert titles(found(query, org.rep1), "customer") == {xinghe.name}, query
    assert ("customer", xinghe.name, "北京") in found("星河", org.rep1)
    assert found("贸易科技", org.rep1) == set()  # the text is matched as a whole, as in the list


def test_percent_and_underscore_are_plain_characters(app, db, org, new_customer, add_contact, found):
    underscore = new_customer(org.rep1, name="星河", email="s_x@xinghe.cn")
    new_customer(org.rep1, name="云帆", email="s1x@yunfan.cn")
    add_contact(underscore, org.rep1, name="Li_Lei")
    add_contact(underscore, org.rep1, name="LixLei")
    assert found("%%", org.rep1) == set()
    assert titles(found("s_x", org.rep1), "customer") == {"星河"}
    assert titles(found("i_L", org.rep1), "contact") == {"Li_Lei"}
    assert found("i%L", org.rep1) == set()


def test_contacts_are_found_by_name_phone_e_mail_and_their_customer(app, db, org, new_customer, add_contact, found):
    from plugins.crm.services.privacy import anonymise_contact

    xinghe = new_customer(org.rep1, name="北京星河科技有限公司")
    other = new_customer(org.rep1, name="上海云帆贸易")
    add_contact(xinghe, org.rep1, name="张伟", phone="+86 139 1234 5678", email="Zhang.Wei@XingHe.cn")
    add_contact(other, org.rep1, name="Wang Fang", phone="13700001111", email="fang@yunfan.cn")
    gone = add_contact(other, org.rep1, name="张伟强", phone="13912340000")
    anonymise_contact(db.session, gone, org.manager, "the person asked (2026-11-01)")
    db.session.commit()

    assert found("张伟", org.rep1) == {("contact", "张伟", xinghe.name)}  # the anonymised one is not
    assert titles(found("wang f", org.rep1), "contact") == {"Wang Fang"}  # any case
    assert titles(found("13912345678", org.rep1), "contact") == {"张伟"}  # the whole number
    assert titles(found("139 1234", org.rep1), "contact") == {"张伟"}  # its start
    assert titles(found("zhang.wei@", org.rep1), "contact") == {"张伟"}
    assert titles(found("Fang@Yunfan.cn", org.rep1), "contact") == {"Wang Fang"}
    # A customer that matches brings its contacts, shown with the customer's name.
    assert found("星河", org.rep1) == {("customer", xinghe.name, ""), ("contact", "张伟", xinghe.name)}


def test_each_user_finds_only_the_customers_and_contacts_of_their_scope(app, db, org, new_customer, add_contact,
                                                                      found):
    mine = new_customer(org.rep1, name="星河科技", phone="13800001111")
    teammates = new_customer(org.rep1b, name="星河电子", phone="13800002222")
    others = new_customer(org.rep2, name="星河贸易", phone="13800003333")
    for customer, person in ((mine, "张一"), (teammates, "张二"), (others, "张三")):
        add_contact(customer, customer.owner, name=person, phone=f"1360000{customer.id:04d}")
    expected = {org.rep1: {mine}, org.sup1: {mine, teammates}, org.manager: {mine, teammates, others}}
    for user, customers in expected.items():
        names = {c.name for c in customers}
        people = {"张一": mine, "张二": teammates, "张三": others}
        assert titles(found("星河", user), "customer") == names
        assert titles(found("1380000", user), "customer") == names
        assert titles(found("张", user), "contact") == {p for p, c in people.items() if c in customers}
        assert titles(found("1360000", user), "contact") == {p for p, c in people.items() if c in customers}


def test_a_merged_away_file_is_not_found(app, db, org, new_customer, found):
    from plugins.crm.services.merge import merge

    kept = new_customer(org.rep1, name="星河科技有限公司")
    merged = new_customer(org.rep1, name="星河科技(北京)")
    merge(db.session, kept, merged, org.manager)
    db.session.commit()
    assert titles(found("星河", org.manager), "customer") == {kept.name}


def test_the_search_page_shows_customers_and_contacts(app, db, client, org, login_as, new_customer, add_contact):
    customer = new_customer(org.rep1, name="北京星河科技有限公司", phone="13800138000")
    add_contact(customer, org.rep1, name="张伟", phone="13912345678")
    login_as(org.rep1)
    page = client.get("/search", query_string={"q": "8000"}).get_data(as_text=True)
    assert f'href="/crm/customers/{customer.id}"' in page and "北京星河科技有限公司" in page
    page = client.get("/search", query_string={"q": "1391234"}).get_data(as_text=True)
    assert "张伟" in page
    for odd in ("%_%", "@", "- -", "x" * 300, "'; drop table crm_customer; --"):
        assert client.get("/search", query_string={"q": odd}).status_code == 200


@pytest.mark.parametrize("role", ["rep1", "sup1", "manager"])
def test_a_search_makes_the_same_statements_however_many_rows_match(app, db, org, new_customer, add_contact,
                                                                    count_queries, role):
    engine = app.extensions["netsales"]
    user = getattr(org, role)

    def statements(query):
        with app.test_request_context("/"):
            engine.collect("global_search", SearchResult, only="crm", query=query, user=user, limit=20)  # warm
            with count_queries() as run:
                results = engine.collect("global_search", SearchResult, only="crm", query=query, user=user,
                                         limit=20)
        return len(run), len(results)

    def grow(start, count):
        for k in range(start, start + count):
            customer = new_customer(org.rep1, name=f"星河{k:03d}号")
            add_contact(customer, org.rep1, name=f"张{k:03d}", phone=f"1390000{k:04d}")

    grow(0, 1)
    few = {query: statements(query) for query in ("星河", "张", "1390000")}
    grow(1, 30)
    many = {query: statements(query) for query in ("星河", "张", "1390000")}
    assert few == {"星河": (2, 2), "张": (2, 1), "1390000": (2, 1)}  # customers, then contacts
    # Twenty customers fill the answer: the contacts are not asked for.
    assert many == {"星河": (1, 20), "张": (2, 20), "1390000": (2, 20)}


@pytest.mark.parametrize("broad_at", [None, 1], ids=["index", "broad texts newest first"])
def test_the_search_finds_what_the_lists_conditions_find_for_every_shape_of_text(app, db, org, new_customer,
                                                                                add_contact, found, broad_at,
                                                                                monkeypatch):
    """The search's statements are built once per shape with the text as parameters (issue 18): they must find
    what the customer list's search (customer_search) and the helpers of core.db.substring_index find, for texts
    of every shape: short and long (first and last windows, equal or not), "%", "_" and "/", any case, phone
    digits ending in 9 (no range: equality), and for each scope (the statements are shared between users). With
    broad_at 1, every text the index finds is "broad": the scope's customers are then read newest first, on
    both databases and for every scope, and must be the same."""
    from sqlalchemy import or_, select

    if broad_at is not None:
        monkeypatch.setattr("plugins.crm.services.search_terms.BROAD_TEXT_CANDIDATES", broad_at)

    from core.db.substring_index import contains_any_case, prefix_match
    from plugins.crm.access import scoped_customers
    from plugins.crm.models import Contact, Customer
    from plugins.crm.services.search_terms import customer_search, search_terms

    people = [(org.rep1, "北京星河科技有限公司", "13800138000", "Sales@XingHe.cn", "张伟", "13999999999"),
              (org.rep1b, "星河星河星河星河星河", "99999", "a_b/c%d@x.cn", "Li_Lei", "+86 139 1234 5678"),
              (org.rep2, "上海云帆贸易有限公司", "13912349999", "buy@yunfan.cn", "WANG Fang", "13700001111"),
              (org.rep2, "云帆 50% 科技", "02112345678", "fang@yunfan.cn", "王芳", "13812345678")]
    for k, (owner, name, phone, email, person, mobile) in enumerate(people):
        customer = new_customer(owner, name=name, phone=phone, email=email)
        add_contact(customer, owner, name=person, phone=mobile, email=f"p{k}_x@example.cn")
    queries = ("星河", "星河星河星河星河星河", "北京星河科技有限公司", "星河科技有限", "9999", "13999999999", "999",
               "1391234", "sales@xinghe", "SALES@XINGHE.CN", "a_b/c%", "_", "%", "/", "50%", "wang", "Li_L", "li%",
               "王芳", "fang@", "p1_x@", "P1%", "张", "yunfan.cn", "02112345678", "x" * 9)
    answered = 0
    for user in (org.rep1, org.sup1, org.manager, org.rep2):
        for query in queries:
            customers = db.session.execute(scoped_customers(user, stmt=select(Customer.name))
                                           .where(customer_search(query))).scalars()
            expected = {("customer", name) for name in customers}
            if len(expected) < 20:
                terms = search_terms(query)
                ways = [prefix_match(Contact.phone, terms["p"])] if "p" in terms else []
                ways += [prefix_match(Contact.email, terms["e"])] if "e" in terms else []
                if not any(c.isdigit() or c == "@" for c in query):
                    ways.append(contains_any_case(Contact.name, query))
                ways.append(Contact.customer_id.in_(scoped_customers(user, stmt=select(Customer.id))
                                                    .where(customer_search(query))))
                contacts = db.session.execute(
                    scoped_customers(user, stmt=select(Contact.name).join(Customer, Customer.id == Contact.customer_id))
                    .where(or_(*ways), Contact.anonymised_at.is_(None))).scalars()
                expected |= {("contact", name) for name in contacts}
            assert {(kind, title) for kind, title, _ in found(query, user)} == expected, (user.login, query)
            answered += bool(expected)
    assert answered >= 50  # the texts find something for most users: the comparison is not of nothing


@pytest.mark.parametrize("login", ["rep1", "sup1", "manager"])
def test_a_broad_text_is_read_from_the_customers_not_the_index(app, db, org, new_customer, found, monkeypatch, login):
    """Which way the statement goes: a customer missing from the index (its windows deleted) is found only when
    the text is broad (the customers read newest first), and a narrow text goes through the index."""
    from sqlalchemy import delete

    from plugins.crm.models import CustomerSearchGram
    from plugins.crm.services import search_terms

    kept = new_customer(org.rep1, name="北京星河科技有限公司")
    hidden = new_customer(org.rep1, name="上海星河贸易有限公司")
    db.session.execute(delete(CustomerSearchGram).where(CustomerSearchGram.customer_id == hidden.id))
    db.session.commit()
    user = getattr(org, login)
    names = {}
    for broad_at in (10**9, 1):
        monkeypatch.setattr(search_terms, "BROAD_TEXT_CANDIDATES", broad_at)
        names[broad_at] = {title for kind, title, _ in found("星河", user) if kind == "customer"}
    assert names[10**9] == {kept.name} and names[1] == {kept.name, hidden.name}
