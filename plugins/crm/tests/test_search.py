"""The customer list's search finds text anywhere in names, phones and e-mails through the substring index
crm_customer_gram (issue 5): exactly the customers a plain LIKE '%text%' finds, and the index stays true on every
way a customer is written."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from sqlalchemy import create_engine, delete, insert, or_, select, text, update

from core.db.substring_index import successor
from plugins.crm.models import SEARCH_FIELDS, SEARCH_WINDOW, Customer, CustomerSearchGram
from plugins.crm.services.search_terms import customer_search, search_terms

CJK = "星河科技北京上海华东贸易电子网络信息"
LATIN = "abcxyzABC01"


def windows(value: str | None) -> set[str]:
    return {value[i:i + SEARCH_WINDOW] for i in range(len(value))} if value else set()


def expected_index(session) -> set[tuple[str, str, int]]:
    """The index rows the customers' current values call for."""
    rows = set()
    for customer in session.execute(select(Customer.id, Customer.name_key, Customer.phone, Customer.email)):
        for field, column in SEARCH_FIELDS.items():
            rows |= {(field, gram, customer.id) for gram in windows(getattr(customer, column))}
    return rows


def stored_index(session) -> set[tuple[str, str, int]]:
    gram = CustomerSearchGram
    return set(session.execute(select(gram.field, gram.gram, gram.customer_id)))


def assert_index_true(session) -> None:
    session.flush()
    assert stored_index(session) == expected_index(session)


def searched(session, query: str) -> set[int]:
    return set(session.scalars(select(Customer.id).where(customer_search(query))))


def like_found(session, query: str) -> set[int]:
    """What a plain LIKE '%text%' on the normalised values finds (every customer read)."""
    def escaped(term: str) -> str:
        return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

    terms = search_terms(query)
    if not terms:
        return set()
    return set(session.scalars(select(Customer.id).where(or_(*(
        getattr(Customer, SEARCH_FIELDS[field]).like(f"%{escaped(term)}%", escape="\\")
        for field, term in terms.items())))))


def random_name(rng: random.Random) -> str:
    alphabet = rng.choice([CJK, LATIN, CJK + LATIN + " -&%_"])
    name = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14)))
    return name + rng.choice(["", "", "有限公司", " Co., Ltd", "集团"])


def random_customer(rng: random.Random) -> dict[str, str]:
    data = {"name": random_name(rng)}
    if rng.random() < 0.8:
        data["phone"] = "13" + "".join(rng.choice("0123") for _ in range(9))
    if rng.random() < 0.7:
        local = "".join(rng.choice("ab_%.1") for _ in range(rng.randint(1, 10)))
        data["email"] = f"{local}@{''.join(rng.choice('xyX') for _ in range(rng.randint(1, 4)))}.cn"
    return data


def random_queries(rng: random.Random, session, count: int) -> list[str]:
    values = [v for row in session.execute(select(Customer.name_key, Customer.phone, Customer.email))
              for v in row if v]
    queries = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.7:  # a piece of a stored value, as typed: any case, maybe with spaces
            value = rng.choice(values)
            start = rng.randrange(len(value))
            query = value[start:start + rng.randint(1, 2 * SEARCH_WINDOW)]
            if rng.random() < 0.3:
                query = query.upper()
            if rng.random() < 0.2 and len(query) > 2:
                query = f"{query[:2]} {query[2:]}"
        else:  # anything from the alphabets, found or not
            query = "".join(rng.choice(CJK + LATIN + "0123%_@.") for _ in range(rng.randint(1, 12)))
        queries.append(query)
    return queries


def test_the_search_finds_exactly_what_like_finds(app, db, org):
    from plugins.crm.services.customers import create_customer

    rng = random.Random(5)
    for _ in range(300):
        create_customer(db.session, random_customer(rng), org.rep1, allow_duplicate=True)
    db.session.commit()
    assert_index_true(db.session)
    queries = random_queries(rng, db.session, 600) + ["%", "_", "%_", "\\", "a_", "@", ".cn", "1" * 20]
    matched = 0
    for query in queries:
        expected = like_found(db.session, query)
        assert searched(db.session, query) == expected, query
        matched += bool(expected)
    assert matched > 300  # most queries find something: the comparison is not between empty sets


def test_texts_longer_than_the_window_are_confirmed_by_like(app, db, org, new_customer):
    long_name = "北京星河科技发展电子网络信息"  # longer than the window: found by its first and last windows
    whole = new_customer(org.rep1, name=long_name + "有限公司")
    both_windows = new_customer(org.rep1, name="北京星河科技发展上海星河科技发展电子网络信息")  # not together
    assert searched(db.session, long_name) == {whole.id}
    assert searched(db.session, "科技发展电子网络信") == {whole.id, both_windows.id}


def test_successor_is_the_end_of_a_prefix_range():
    assert successor("ab") == "ac"
    assert successor("星") == chr(ord("星") + 1)
    assert successor("a\U0010ffff") == "b"
    assert successor(chr(0xD7FF)) == chr(0xE000)  # past the surrogates, which are not characters
    assert successor(chr(0x10FFFF)) is None


def test_the_index_is_kept_on_create_edit_and_bulk_statements(app, db, org, new_customer):
    from plugins.crm.services.customers import update_customer

    customer = new_customer(org.rep1, name="北京星河科技有限公司", phone="138 0013 8000", email="Sales@XingHe.cn")
    assert_index_true(db.session)
    assert searched(db.session, "星河") == {customer.id}
    update_customer(db.session, customer, {"name": "上海云帆", "phone": "13911112222", "email": ""}, org.rep1)
    db.session.commit()
    assert_index_true(db.session)
    assert searched(db.session, "星河") == set() and searched(db.session, "8000") == set()
    assert searched(db.session, "云帆") == {customer.id} and searched(db.session, "1112") == {customer.id}
    assert searched(db.session, "xinghe") == set()
    # Statements that bypass the ORM keep it too: the database maintains it.
    db.session.execute(update(Customer).where(Customer.id == customer.id).values(email="boss@yunfan.cn"))
    assert_index_true(db.session)
    assert searched(db.session, "yunfan") == {customer.id}
    db.session.execute(insert(Customer), [
        {"kind": "company", "name": "批量", "name_key": "批量导入", "state": "lead", "phone": "13700000001",
         "potential_value": 0, "grade_locked": False, "orders_count": 0, "purchase_amount": 0, "completeness": 0,
         "contacts_count": 0, "archived": False, "created_at": datetime(2026, 1, 1), "updated_at": datetime(2026, 1, 1)}])
    assert_index_true(db.session)
    loaded = db.session.scalar(select(Customer.id).where(Customer.name == "批量"))
    assert searched(db.session, "导入") == {loaded}
    db.session.execute(delete(Customer).where(Customer.id == loaded))
    assert_index_true(db.session)
    assert searched(db.session, "导入") == set()
    # A statement that changes other columns of every customer leaves the index alone.
    db.session.execute(update(Customer).values(grade="B"))
    assert_index_true(db.session)
    db.session.commit()


def test_the_index_is_kept_on_import(app, db, org):
    from plugins.crm.services.importing import import_customers, read_table

    table = read_table("c.csv", "客户名称,电话,邮箱\n杭州西湖茶业,13655556666,tea@xihu.cn\n苏州园林设计,,\n"
                       .encode())
    report = import_customers(db.session, table, {"name": "客户名称", "phone": "电话", "email": "邮箱"}, org.rep1,
                              dry_run=False)
    db.session.commit()
    assert report.saved and report.ok == 2
    assert_index_true(db.session)
    assert len(searched(db.session, "西湖")) == 1 and len(searched(db.session, "5556")) == 1
    assert len(searched(db.session, "园林")) == 1


def test_the_index_is_kept_on_merge(app, db, org, new_customer):
    from plugins.crm.services.merge import merge

    keep = new_customer(org.rep1, name="星河科技")
    drop = new_customer(org.rep1, name="星河科技(北京)", phone="13812345678", email="x@xinghe.cn")
    merge(db.session, keep, drop, org.sup1)
    db.session.commit()
    assert_index_true(db.session)
    assert searched(db.session, "2345678") == {keep.id, drop.id}  # the list shows only live files (keep)
    assert searched(db.session, "xinghe") == {keep.id, drop.id}


def test_the_index_forgets_an_anonymised_person(app, db, org, new_customer):
    from plugins.crm.services.contacts import add_contact
    from plugins.crm.services.privacy import anonymise_contact

    person = new_customer(org.rep1, name="张伟", kind="individual", phone="13566667777", email="zhangwei@qq.com")
    contact = add_contact(db.session, person, {"name": "张伟", "phone": "13566667777"}, org.rep1)
    anonymise_contact(db.session, contact, org.manager, "request by phone, 2026-12-01")
    db.session.commit()
    assert_index_true(db.session)
    assert db.session.scalar(select(CustomerSearchGram.customer_id)
                             .where(CustomerSearchGram.customer_id == person.id).limit(1)) is None
    assert searched(db.session, "张伟") == set() and searched(db.session, "6667777") == set()
    assert searched(db.session, "zhangwei") == set()


def test_the_list_search_reads_the_index_not_every_customer(app, db, org, new_customer):
    """SQLite's plan of the search: ranges of the index's key, customers by id; no scan of crm_customer."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans by its statistics; the benchmark measures it")
    for k in range(20):
        new_customer(org.rep1, name=f"客户{k}科技", phone=f"1380000{k:04d}")
    for query in ("星河", "0001", "北京星河科技发展电子网络"):
        stmt = select(Customer.id).where(Customer.merged_into_id.is_(None), customer_search(query))
        compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = " | ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert "crm_customer_gram USING PRIMARY KEY" in plan, plan
        assert "SCAN crm_customer " not in plan + " " and "SCAN crm_customer_gram" not in plan, plan


def test_the_migration_indexes_existing_customers(app, fresh_database):
    """Upgrading a database that has customers fills the index; the triggers keep it afterwards."""
    from core.db import migrations
    from core.setup import plugin_lineage

    lineage = plugin_lineage(app.extensions["netsales"], "crm")
    engine = create_engine(fresh_database.url)
    try:
        migrations.upgrade(engine, migrations.core_lineage())
        migrations.upgrade(engine, lineage, "6510b6224fb0")
        values = {"kind": "company", "state": "lead", "potential_value": 0, "grade_locked": False,
                  "orders_count": 0, "purchase_amount": 0, "completeness": 0, "contacts_count": 0, "archived": False,
                  "created_at": datetime(2026, 1, 1), "updated_at": datetime(2026, 1, 1)}
        with engine.begin() as connection:
            connection.execute(insert(Customer.__table__), [
                {**values, "name": "北京星河科技有限公司", "name_key": "北京星河科技", "phone": "13800138000",
                 "email": "sales@xinghe.cn"},
                {**values, "name": "x", "name_key": "x", "phone": None, "email": None}])
        migrations.upgrade(engine, lineage)
        with engine.begin() as connection:
            connection.execute(insert(Customer.__table__), [{**values, "name": "云帆", "name_key": "云帆"}])
            rows = set(connection.execute(select(CustomerSearchGram.field, CustomerSearchGram.gram,
                                                 CustomerSearchGram.customer_id)))
        expected = {(f, g, 1) for f, v in (("n", "北京星河科技"), ("p", "13800138000"), ("e", "sales@xinghe.cn"))
                    for g in windows(v)} | {("n", "x", 2), ("n", "云帆", 3), ("n", "帆", 3)}
        assert rows == expected
        migrations.downgrade(engine, lineage, "6510b6224fb0")
        migrations.upgrade(engine, lineage)
    finally:
        engine.dispose()
