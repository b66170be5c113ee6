"""The customer list as it opens and searched runs statements built once per scope, database, sort and shape of
search, with the user's id or team and the texts as parameters (issue 18): the same customers, totals and pages as
the statements the list builds for a request (ListQuery.page, the path a filter or a grouping takes)."""

from __future__ import annotations

import pytest

#: Texts of every shape the search index answers (short, long with equal or different end windows, no successor,
#: nothing to search for) and characters LIKE would take for wildcards.
SEARCHES = ["", "客户", "客户00", "138 0000 0", "0001", "00001科技", "星河科技有限公司星河", "c3@example", "%", "_1",
            "1111111111", "zz-nothing", "   ", "客户0001科技"]


@pytest.fixture
def customers(db, org, new_customer):
    for k in range(36):
        owner = (org.rep1, org.rep1b, org.rep2, None)[k % 4]
        new_customer(owner, name=f"客户{k:04d}科技有限公司", phone=f"1380000{k:04d}", email=f"c{k}@example.cn",
                     grade="ABC"[k % 3], tags="重点" if k % 5 == 0 else "")
    new_customer(org.rep1, name="星河科技有限公司星河", phone="11111111111")


#: A share of the scope so small that the threshold is BROAD_TEXT_CANDIDATES alone, for every scope.
NO_SCOPE_SHARE = {"postgresql": 10**9, "sqlite": 10**9}


def _ids(page):
    return [row.id for row in page.items]


@pytest.mark.parametrize("broad_at", [None, 1], ids=["index", "broad texts"])
@pytest.mark.parametrize("role", ["rep1", "sup1", "manager"])
def test_built_once_pages_equal_the_pages_built_for_the_request(app, db, org, customers, role, broad_at,
                                                                 monkeypatch):
    """With broad_at 1, every text the index finds is broad: searched as the rows are read, not by the index."""
    from flask_login import login_user

    if broad_at is not None:
        monkeypatch.setattr("plugins.crm.services.search_terms.BROAD_TEXT_CANDIDATES", broad_at)
        monkeypatch.setattr("plugins.crm.services.search_terms.BROAD_SCOPE_SHARE", NO_SCOPE_SHARE)

    from core.web.listing import ListQuery
    from plugins.crm.views.customer_list import customer_listing

    user = getattr(org, role)
    for text in SEARCHES:
        for sort in ("-updated", "name", "-grade"):
            for page_number in ("1", "2", "9"):
                args = {"q": text, "sort": sort, "page": page_number, "per_page": "10"}
                with app.test_request_context("/crm/customers", query_string=args):
                    login_user(user)
                    listing = customer_listing()
                    built_once = listing.page()
                    for_request = ListQuery.page(listing, args)
                assert (built_once.total, built_once.page, _ids(built_once)) == (
                    for_request.total, for_request.page, _ids(for_request)), (role, text, sort, page_number)
                assert [row.tag_names for row in built_once.items] == [row.tag_names for row in for_request.items]


def test_statements_are_built_once_per_scope_and_shape_of_search(app, db, org, customers):
    """Two representatives' lists, and two searches of one shape, share their statements; each finds its own."""
    from flask_login import login_user

    from core.web.listing import ListQuery
    from plugins.crm.services.search_terms import search_shapes, search_terms
    from plugins.crm.views.customer_list import customer_listing

    built = {}
    for user, text in ((org.rep1, "客户00"), (org.rep2, "客户003"), (org.rep1, "0001"), (org.rep2, "0002")):
        with app.test_request_context("/crm/customers", query_string={"q": text}):
            login_user(user)
            listing = customer_listing()
            shapes = search_shapes(search_terms(text))
            built.setdefault(shapes, []).append(listing.page_statements("-updated", (shapes, False)))
            page = listing.page()
            assert page.total and _ids(page) == _ids(ListQuery.page(listing, {"q": text}))
    assert len(built) == 2 and all(first is second for first, second in built.values())


@pytest.mark.parametrize("role", ["rep1", "sup1", "manager"])
def test_a_broad_text_finds_the_pages_the_index_finds(app, db, org, customers, role, monkeypatch):
    """A broad text (search_terms.is_broad) is searched without the index, as the rows are read: the same totals
    and pages, plain and filtered, whatever the text's shape."""
    from flask_login import login_user

    from plugins.crm.services import search_terms
    from plugins.crm.views.customer_list import customer_listing

    def pages(broad_at: int) -> list:
        monkeypatch.setattr(search_terms, "BROAD_TEXT_CANDIDATES", broad_at)
        monkeypatch.setattr(search_terms, "BROAD_SCOPE_SHARE", NO_SCOPE_SHARE)
        found = []
        for text in SEARCHES:
            for args in ({"sort": "name", "page": "2", "per_page": "10"}, {"grade": "A", "sort": "-updated"}):
                with app.test_request_context("/crm/customers", query_string={"q": text, **args}):
                    login_user(getattr(org, role))
                    listing = customer_listing()
                    page = listing.page()
                    found.append((text, args.get("grade"), listing._broad, page.total, _ids(page)))
        return found

    by_index, as_read = pages(10**9), pages(1)
    assert [row[:2] + row[3:] for row in by_index] == [row[:2] + row[3:] for row in as_read]
    assert not any(row[2] for row in by_index)
    # the filtered searches took the broad path where the index had candidates (the plain ones: their statements)
    assert any(row[2] for row in as_read if row[1] == "A")


def test_scoped_customers_and_the_lists_statements_reach_the_same_customers(app, db, org, customers, new_customer,
                                                                            make_user):
    """access.in_scope is the one rule of the scope: scoped_customers (the user's id or team bound) and the list's
    statements built once (scoped_select, them as parameters) reach the same live customers for each role and for
    a user without the grant (own, team, all, none); a merged-away file is reached by neither."""
    from sqlalchemy import select

    from core.security import scope_parameters
    from plugins.crm.access import VIEW, scope_of, scoped_customers
    from plugins.crm.models import Customer
    from plugins.crm.views.customer_list import scoped_select

    merged = new_customer(org.rep1, name="已合并的客户")
    merged.merged_into_id = db.session.scalar(select(Customer.id).where(Customer.id != merged.id).limit(1))
    db.session.commit()
    clerk = make_user("clerk")
    postgresql = db.engine.dialect.name == "postgresql"

    def live(*owners):
        stmt = select(Customer.id).where(Customer.merged_into_id.is_(None))
        return set(db.session.scalars(stmt if owners == ("all",) else stmt.where(Customer.owner_id.in_(owners))))

    expected = {org.rep1: live(org.rep1.id), org.sup1: live(org.sup1.id, org.rep1.id, org.rep1b.id),
                org.sup2: live(org.sup2.id, org.rep2.id), org.manager: live("all"), clerk: set()}
    unassigned = expected[org.manager] - live(org.rep1.id, org.rep1b.id, org.rep2.id)
    assert unassigned and expected[org.rep1] and merged.id not in expected[org.manager]
    for user, reached in expected.items():
        scope = scope_of(user, VIEW)
        bound = set(db.session.scalars(scoped_customers(user, VIEW, select(Customer.id))))
        built_once = set(db.session.scalars(scoped_select(scope, postgresql).with_only_columns(Customer.id),
                                            scope_parameters(user, scope)))
        assert bound == built_once == reached, user.login


@pytest.mark.parametrize("role", ["rep1", "sup1", "manager"])
@pytest.mark.parametrize("state", ["", "customer"], ids=["statements built once", "filtered, built for the request"])
def test_a_broad_text_is_read_from_the_rows_not_the_index(app, db, org, new_customer, monkeypatch, role, state):
    """Which way the list goes: a customer missing from the index (its windows deleted) is listed and counted only
    when the text is broad (its LIKEs on the rows the list reads), on both of the list's paths."""
    from flask_login import login_user
    from sqlalchemy import delete

    from plugins.crm.models import CustomerSearchGram
    from plugins.crm.services import search_terms
    from plugins.crm.views.customer_list import customer_listing

    kept = new_customer(org.rep1, name="北京星河科技有限公司", state="customer")
    hidden = new_customer(org.rep1, name="上海星河贸易有限公司", state="customer")
    db.session.execute(delete(CustomerSearchGram).where(CustomerSearchGram.customer_id == hidden.id))
    db.session.commit()
    shown = {}
    for broad_at in (10**9, 1):
        monkeypatch.setattr(search_terms, "BROAD_TEXT_CANDIDATES", broad_at)
        with app.test_request_context("/crm/customers", query_string={"q": "星河", "state": state}):
            login_user(getattr(org, role))
            page = customer_listing().page()
        shown[broad_at] = (page.total, set(_ids(page)))
    assert shown[10**9] == (1, {kept.id}) and shown[1] == (2, {kept.id, hidden.id})


@pytest.mark.parametrize("state", ["", "customer"], ids=["statements built once", "filtered, built for the request"])
@pytest.mark.parametrize(("share", "broad_for"), [(1, {"rep1", "sup1"}), (16, {"rep1", "sup1", "manager"})])
def test_a_text_is_broad_from_a_share_of_the_scope(app, db, org, customers, new_customer, share, broad_for, state,
                                                    monkeypatch):
    """The broad way counts every customer of the scope, so a whole scope's list takes a text for broad only from
    the scope's customers ÷ BROAD_SCOPE_SHARE (per database) entries, or BROAD_TEXT_CANDIDATES when more: 客户 has
    36 entries; rep1 sees 11 customers, sup1's team 20 and the manager 38. A customer missing from the index is
    listed only when the text is broad, on both of the list's paths."""
    from flask_login import login_user
    from sqlalchemy import delete, update

    from plugins.crm.models import Customer, CustomerSearchGram
    from plugins.crm.services import search_terms
    from plugins.crm.views.customer_list import customer_listing

    hidden = new_customer(org.rep1, name="客户隐藏科技有限公司")
    db.session.execute(delete(CustomerSearchGram).where(CustomerSearchGram.customer_id == hidden.id))
    if state:
        db.session.execute(update(Customer).values(state=state))
    db.session.commit()
    monkeypatch.setattr(search_terms, "BROAD_TEXT_CANDIDATES", 1)
    monkeypatch.setattr(search_terms, "BROAD_SCOPE_SHARE", {"postgresql": share, "sqlite": share})
    broad = set()
    for role in ("rep1", "sup1", "manager"):
        with app.test_request_context("/crm/customers", query_string={"q": "客户", "state": state}):
            login_user(getattr(org, role))
            ids = set(_ids(customer_listing().page()))
        if hidden.id in ids:
            broad.add(role)
    assert broad == broad_for
