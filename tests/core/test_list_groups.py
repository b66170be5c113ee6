"""Group-by on lists (issue 12: "lists have no group-by"): ?group=<key> shows a page of groups, each by its label with
its row count and the sums of the list's money columns, in one GROUP BY statement over the same scoped, searched and
filtered select; plus filters with a default and the saved-view query of a page (core.web.listing)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import event, select

from core.identity.models import Department, User
from core.identity.users import create_user
from core.web.listing import ALL, Filter, GroupBy, ListQuery, SumColumn
from plugins.pipeline.models import Product


def add_product(db, sku, category, price, active=True, name=None):
    db.session.add(Product(sku=sku, name=name or sku, category=category, list_price=Decimal(price), active=active))


@pytest.fixture
def products(db):
    add_product(db, "p1", "Tea", "0.10")
    add_product(db, "p2", "Tea", "0.20")
    add_product(db, "p3", "Coffee", "1000.00")
    add_product(db, "p4", "Coffee", "2.50", active=False)
    add_product(db, "p5", "Water", "3.00", name="Spring water")
    db.session.commit()


def product_list(stmt=None, **options):
    return ListQuery(
        stmt if stmt is not None else select(Product),
        sorts={"name": Product.name}, default_sort="name", search=[Product.name],
        filters=[Filter.choice("category", "Category", Product.category, lambda: [("Tea", "Tea"), ("Coffee", "Coffee"),
                                                                                   ("Water", "Water")]),
                 Filter.choice("active", "Active", Product.active, [("1", "Yes"), ("0", "No")],
                               coerce=lambda v: v == "1")],
        groups=[GroupBy("category", "Category", Product.category, filter_key="category"),
                GroupBy("state", "State", Product.active, value_labels=[(True, "On sale"), (False, "Withdrawn")],
                        filter_key="active", filter_value=lambda v: "1" if v else "0")],
        sums=[SumColumn("price", "List price", Product.list_price)],
        **options,
    )


def statements_of(db, action):
    seen: list[str] = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = action()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return result, seen


def test_groups_count_and_sum_exactly_in_one_statement(app, db, products):
    with app.test_request_context("/"):
        page, statements = statements_of(db, lambda: product_list().page({"group": "category"}))
    assert len(statements) == 1 and "GROUP BY" in statements[0]
    assert page.grouped and page.items == []
    shown = [(g.label, g.count, g.sums["price"]) for g in page.groups]
    assert shown == [("Coffee", 2, Decimal("1002.50")), ("Tea", 2, Decimal("0.30")), ("Water", 1, Decimal("3.00"))]
    assert all(isinstance(g.sums["price"], Decimal) for g in page.groups)
    assert (page.group_totals.count, page.group_totals.sums["price"]) == (5, Decimal("1005.80"))
    assert page.total == 3  # the pagination counts groups


def test_groups_show_value_labels_in_the_declared_order_never_raw_values(app, db, products):
    with app.test_request_context("/"):
        page = product_list().page({"group": "state"})
    assert [(g.label, g.count) for g in page.groups] == [("On sale", 4), ("Withdrawn", 1)]
    assert "True" not in [g.label for g in page.groups]


def test_grouping_keeps_the_scope_search_and_filters(app, db, products):
    scoped = select(Product).where(Product.active.is_(True))  # what the person may see, as a record scope would
    with app.test_request_context("/"):
        page = product_list(scoped).page({"group": "category"})
        assert [(g.label, g.count) for g in page.groups] == [("Coffee", 1), ("Tea", 2), ("Water", 1)]
        searched = product_list(scoped).page({"group": "category", "q": "spring"})
        assert [(g.label, g.count) for g in searched.groups] == [("Water", 1)]
        filtered = product_list().page({"group": "category", "active": "0"})
        assert [(g.label, g.count, g.sums["price"]) for g in filtered.groups] == [("Coffee", 1, Decimal("2.50"))]
        nothing = product_list().page({"group": "category", "q": "no such thing"})
    assert nothing.groups == [] and nothing.total == 0 and nothing.group_totals is None


def test_groups_are_paginated_and_a_page_past_the_end_shows_the_last(app, db):
    for n in range(23):
        add_product(db, f"s{n}", f"Cat {n:02d}", "1.00")
        add_product(db, f"t{n}", f"Cat {n:02d}", "2.00")
    db.session.commit()
    with app.test_request_context("/"):
        listing = product_list(per_page=10)
        second = listing.page({"group": "category", "page": "2"})
        assert [g.label for g in second.groups] == [f"Cat {n:02d}" for n in range(10, 20)]
        assert (second.total, second.pages) == (23, 3)
        assert (second.group_totals.count, second.group_totals.sums["price"]) == (46, Decimal("69.00"))
        past, statements = statements_of(db, lambda: listing.page({"group": "category", "page": "9"}))
    assert past.page == 3 and [g.label for g in past.groups] == ["Cat 20", "Cat 21", "Cat 22"]
    assert len(statements) == 3  # the empty page, the count of groups, the last page


def test_each_group_links_to_its_rows_and_an_unknown_group_is_the_plain_list(app, db, products):
    with app.test_request_context("/admin/plugins?group=state&q=p&page=2"):
        page = product_list().page()
        withdrawn = page.groups[1]
        assert withdrawn.url.startswith("/admin/plugins?") and "active=0" in withdrawn.url and "q=p" in withdrawn.url
        assert "group=" not in withdrawn.url and "page=" not in withdrawn.url
        plain = product_list().page({"group": "password_hash"})
    assert not plain.grouped and len(plain.items) == 5


def test_groups_by_a_joined_name_with_the_empty_group_last(app, db):
    sales = Department(name="Sales")
    db.session.add(sales)
    db.session.flush()
    for login, department in (("a1", sales.id), ("a2", sales.id), ("b1", None)):
        create_user(db.session, login=login, name=login, department_id=department)
    db.session.commit()
    listing = ListQuery(select(User).outerjoin(Department, User.department_id == Department.id),
                        sorts={"name": User.name}, default_sort="name",
                        groups=[GroupBy("department", "Department", User.department_id, label_column=Department.name,
                                        empty_label="No department")])
    with app.test_request_context("/"):
        page = listing.page({"group": "department"})
    counts = {g.label: g.count for g in page.groups}
    assert counts["Sales"] == 2 and page.groups[-1].label == "No department" and page.groups[-1].value is None
    assert page.groups[-1].url is None


def test_a_select_whose_rows_depend_on_its_columns_cannot_be_grouped():
    with pytest.raises(ValueError):
        ListQuery(select(Product).distinct(), sorts={"name": Product.name}, default_sort="name",
                  groups=[GroupBy("category", "Category", Product.category)])


def test_a_filter_with_a_default_applies_until_all_is_chosen(app, db, products):
    listing = ListQuery(select(Product), sorts={"name": Product.name}, default_sort="name",
                        filters=[Filter.choice("active", "Active", Product.active, [("1", "Yes"), ("0", "No")],
                                               coerce=lambda v: v == "1", default="1"),
                                 Filter.choice("cheap", "Cheap", None, [("1", "Yes")],
                                               where=lambda _v: Product.list_price < 1)])
    with app.test_request_context("/"):
        opened = listing.page({})
        assert opened.total == 4 and opened.active_filters == {"active": "1"} and not opened.filtering
        everything = listing.page({"active": ALL})
        assert everything.total == 5 and not everything.filtering
        withdrawn = listing.page({"active": "0"})
        assert withdrawn.total == 1 and withdrawn.filtering
        cheap = listing.page({"cheap": "1"})
    assert sorted(p.sku for p in cheap.items) == ["p1", "p2"]


def test_a_pages_saved_query_keeps_what_a_view_is_and_drops_the_visit(app, db, products):
    with app.test_request_context("/admin/plugins?sort=-name&q=tea&page=2&export=csv&group=category&per_page=10"):
        page = product_list().page()
        assert page.saved_query() == "group=category&per_page=10&q=tea&sort=-name"
        assert page.base_url() == "/admin/plugins"
        assert page.group_url(None) == "/admin/plugins?sort=-name&q=tea&export=csv&per_page=10"
