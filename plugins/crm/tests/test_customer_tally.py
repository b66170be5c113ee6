"""The customers-per-owner-and-grade tally (crm_customer_tally, issue 18) stays equal to counting the customers,
whatever writes them: the ORM, set-based statements, allocation, merging, the regrade, deletion. The customer
list counts from it (test_pages.py compares the list's totals with counted ones)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, insert, literal, select, update

from plugins.crm.models import Customer, CustomerTally
from plugins.crm.services.allocation import assign
from plugins.crm.services.merge import merge


def counted(db) -> dict[tuple[int, str], int]:
    """Live customers per (owner or 0, grade or ""), counted from the customers."""
    owner, grade = func.coalesce(Customer.owner_id, 0), func.coalesce(Customer.grade, literal(""))
    rows = db.session.execute(select(owner, grade, func.count()).where(Customer.merged_into_id.is_(None))
                              .group_by(owner, grade))
    return {(o, g): n for o, g, n in rows}


def tallied(db) -> dict[tuple[int, str], int]:
    rows = db.session.execute(select(CustomerTally.owner_key, CustomerTally.grade_key, CustomerTally.customers)
                              .where(CustomerTally.customers != 0))
    return {(o, g): n for o, g, n in rows}


def graded(new_customer, db, owner, name, grade=None):
    """A customer of ``owner`` in ``grade`` (customers are created ungraded: the regrade grades them)."""
    customer = new_customer(owner, name=name)
    customer.grade = grade
    db.session.commit()
    return customer


def test_creating_grading_moving_and_deleting_customers_keeps_the_tally(app, db, org, new_customer):
    first = graded(new_customer, db, org.rep1, "星河科技有限公司", "A")
    graded(new_customer, db, org.rep1, "海帆贸易有限公司", "B")
    graded(new_customer, db, org.rep2, "宏图电子有限公司")
    graded(new_customer, db, None, "公海线索有限公司", "C")  # the unassigned pool
    assert tallied(db) == counted(db) == {(org.rep1.id, "A"): 1, (org.rep1.id, "B"): 1, (org.rep2.id, ""): 1,
                                          (0, "C"): 1}

    first.grade = "B"  # one customer through the ORM
    db.session.commit()
    db.session.execute(update(Customer).values(grade="C"))  # every customer in one statement (the regrade)
    db.session.commit()
    assert tallied(db) == counted(db) == {(org.rep1.id, "C"): 2, (org.rep2.id, "C"): 1, (0, "C"): 1}

    assign(db.session, [first.id], org.rep2.id, org.manager)
    db.session.commit()
    db.session.execute(update(Customer).where(Customer.owner_id.is_(None)).values(owner_id=org.rep1b.id))
    db.session.commit()
    assert tallied(db) == counted(db) == {(org.rep1.id, "C"): 1, (org.rep2.id, "C"): 2, (org.rep1b.id, "C"): 1}

    # Deleting: customers with nothing recorded about them yet (a bulk load's), in one statement and by the ORM.
    db.session.execute(insert(Customer), [{"name": f"导入{n}", "name_key": f"导入{n}", "owner_id": org.rep1b.id,
                                           "grade": "A"} for n in range(3)])
    db.session.commit()
    loaded = db.session.scalars(select(Customer).where(Customer.owner_id == org.rep1b.id, Customer.grade == "A"))
    db.session.delete(next(iter(loaded)))
    db.session.commit()
    assert tallied(db)[(org.rep1b.id, "A")] == 2
    db.session.execute(delete(Customer).where(Customer.owner_id == org.rep1b.id, Customer.grade == "A"))
    db.session.commit()
    assert tallied(db) == counted(db) == {(org.rep1.id, "C"): 1, (org.rep2.id, "C"): 2, (org.rep1b.id, "C"): 1}


def test_a_merged_customer_leaves_the_tally_and_a_bulk_load_enters_it(app, db, org, new_customer):
    keep = graded(new_customer, db, org.rep1, "星河科技有限公司", "A")
    drop = graded(new_customer, db, org.rep2, "星河科技", "B")
    merge(db.session, keep, drop, org.manager)
    db.session.commit()
    assert tallied(db) == counted(db) == {(org.rep1.id, "A"): 1}

    db.session.execute(insert(Customer), [{"name": f"批量客户{n}", "name_key": f"批量客户{n}", "owner_id": org.rep2.id,
                                           "grade": "AB"[n % 2]} for n in range(7)])
    db.session.commit()
    assert tallied(db) == counted(db) == {(org.rep1.id, "A"): 1, (org.rep2.id, "A"): 4, (org.rep2.id, "B"): 3}

    # Un-merging (a file restored by hand) counts it again; a rolled-back change leaves the tally as it was.
    db.session.execute(update(Customer).where(Customer.id == drop.id).values(merged_into_id=None))
    db.session.commit()
    db.session.execute(update(Customer).values(owner_id=None))
    db.session.rollback()
    assert tallied(db) == counted(db) == {(org.rep1.id, "A"): 1, (org.rep2.id, "A"): 4, (org.rep2.id, "B"): 4}


def listed(app, user, query: str):
    """The customer list's total and its count statement for ``user`` at ``/crm/customers?query``."""
    from flask_login import login_user

    from plugins.crm.views.customer_list import customer_listing

    with app.test_request_context(f"/crm/customers?{query}"):
        login_user(user)
        listing = customer_listing()
        page = listing.page()
        return page.total, listing._tallied is not None


def test_the_list_counts_from_the_tally_what_counting_the_customers_finds(app, db, org, new_customer, count_queries):
    for n, (owner, grade) in enumerate([(org.rep1, "A"), (org.rep1, "A"), (org.rep1, "B"), (org.rep1b, "A"),
                                        (org.rep2, "C"), (org.rep2, None), (None, "A")]):
        graded(new_customer, db, owner, f"客户{n}有限公司", grade)
    rep1 = str(org.rep1.id)
    expected = {  # (who, query): (total, counted from the tally)
        (org.rep1, ""): (3, True), (org.rep1, "grade=A"): (2, True), (org.rep1, "grade=C"): (0, True),
        (org.sup1, ""): (4, True), (org.sup1, "grade=A"): (3, True), (org.sup1, f"owner={rep1}&grade=A"): (2, True),
        (org.sup2, "grade=A"): (0, True), (org.manager, ""): (7, True), (org.manager, "grade=A"): (4, True),
        # Narrowed otherwise: counted from the customers, as before.
        (org.manager, "q=客户1"): (1, False), (org.manager, "state=lead"): (7, False),
        (org.sup1, "grade=A&state=lead"): (3, False),
    }
    for (user, query), (total, from_tally) in expected.items():
        assert listed(app, user, query) == (total, from_tally), (user.login, query)
    # The same number of statements as counting the customers took: one count, whichever answers it.
    with count_queries() as tallied_statements:
        listed(app, org.manager, "grade=A")
    with count_queries() as counted_statements:
        listed(app, org.manager, "grade=A&state=lead")
    assert len(tallied_statements) == len(counted_statements)


def test_two_transactions_adding_to_one_tally_row_both_count(app, db, org):
    """Two writers creating the first customers of one owner and grade at once (PostgreSQL; SQLite's writers take
    the database in turn): the second waits for the first's tally row, then adds to it; neither count is lost."""
    import threading

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    rows = [{"name": f"同时{n}", "name_key": f"同时{n}", "owner_id": org.rep2.id, "grade": "B"} for n in range(2)]
    first, second = db.engine.connect(), db.engine.connect()
    try:
        first.begin()
        first.execute(insert(Customer), rows[0])  # holds the new tally row until it commits
        second_done = threading.Event()

        def add_second() -> None:
            with second.begin():
                second.execute(insert(Customer), rows[1])
            second_done.set()

        writer = threading.Thread(target=add_second)
        writer.start()
        assert not second_done.wait(0.5)  # waiting for the first's row
        first.commit()
        writer.join(10)
        assert second_done.is_set()
    finally:
        first.close()
        second.close()
    db.session.expire_all()
    assert tallied(db)[(org.rep2.id, "B")] == 2 == counted(db)[(org.rep2.id, "B")]


def test_the_migrations_count_and_index_existing_customers_and_contacts(app, fresh_database):
    """Upgrading a database that already has customers and contacts fills the tally and the contact names' index
    (migrations 9d4e2a7c1b36 and 2b7f0c5e8d13); both go down and up again."""
    from datetime import datetime

    from sqlalchemy import create_engine

    from core.db import migrations
    from core.setup import plugin_lineage
    from plugins.crm.models import Contact, ContactSearchGram

    lineage = plugin_lineage(app.extensions["netsales"], "crm")
    engine = create_engine(fresh_database.url)
    before = "7c2e9b41d5a0"
    try:
        migrations.upgrade(engine, migrations.core_lineage())
        migrations.upgrade(engine, lineage, before)
        values = {"kind": "company", "state": "lead", "potential_value": 0, "grade_locked": False,
                  "orders_count": 0, "purchase_amount": 0, "completeness": 0, "contacts_count": 0, "archived": False,
                  "created_at": datetime(2026, 1, 1), "updated_at": datetime(2026, 1, 1)}
        with engine.begin() as connection:
            connection.execute(insert(Customer.__table__), [
                {**values, "name": name, "name_key": name, "grade": grade}
                for name, grade in (("甲公司", "A"), ("乙公司", "A"), ("丙公司", None))])
            connection.execute(insert(Contact.__table__), [
                {"customer_id": 1, "name": "Zhang Wei", "created_at": datetime(2026, 1, 1)}])
        for _round in range(2):  # the upgrade, then down and up again
            migrations.upgrade(engine, lineage)
            with engine.begin() as connection:
                tally = set(connection.execute(select(CustomerTally.owner_key, CustomerTally.grade_key,
                                                      CustomerTally.customers)))
                grams = set(connection.scalars(select(ContactSearchGram.gram)))
            assert tally == {(0, "A", 2), (0, "", 1)}
            assert grams == {"zhang we", "hang wei", "ang wei", "ng wei", "g wei", " wei", "wei", "ei", "i"}
            migrations.downgrade(engine, lineage, before)
    finally:
        engine.dispose()
