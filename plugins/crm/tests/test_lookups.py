"""Searchable selects of customers and contacts (issue 12): the new-deal form's dropdown stopped at 500 customers.
The kinds answer within the asker's scope (R2.1-R2.3), page by page, with no cap on what can be found."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from core.contracts import LookupDef
from plugins.crm.models import Customer
from plugins.crm.services import contacts
from plugins.crm.services.normalise import name_key


def _kinds(app):
    return {d.kind: d for d in app.extensions["netsales"].collect("register_lookups", LookupDef, only="crm")}


def _many_customers(db, owner, count):
    """``count`` customers of ``owner`` named 客户0001…, written at once (the search index follows by trigger)."""
    rows = [{"name": f"客户{n:04d}", "name_key": name_key(f"客户{n:04d}"), "owner_id": owner.id, "state": "lead",
             "kind": "company"} for n in range(1, count + 1)]
    db.session.execute(insert(Customer), rows)
    db.session.commit()


def test_the_501st_customer_is_found_by_name_and_by_paging_on(app, db, org):
    _many_customers(db, org.rep1, 501)
    kind = _kinds(app)["crm.customer"]
    with app.test_request_context("/"):
        assert [label for _id, label in kind.search("客户0501", org.rep1, 21, 0)] == ["客户0501"]
        first = kind.search("", org.rep1, 500, 0)
        rest = kind.search("", org.rep1, 500, 500)
    assert len(first) == 500 and [label for _id, label in rest] == ["客户0501"]
    assert not {i for i, _l in first} & {i for i, _l in rest}  # pages never overlap


def test_a_representative_does_not_find_another_representatives_customer(app, db, org, new_customer):
    mine = new_customer(org.rep1, name="星河科技", phone="13800001111")
    theirs = new_customer(org.rep2, name="星河贸易", phone="13900002222")
    kind = _kinds(app)["crm.customer"]
    assert kind.permission == "crm.customer.view"
    with app.test_request_context("/"):
        assert kind.search("星河", org.rep1, 21, 0) == [(mine.id, "星河科技")]
        assert kind.search("0000222", org.rep1, 21, 0) == []  # by phone: not theirs either
        assert kind.search(str(theirs.id), org.rep1, 21, 0) == []  # nor by number
        assert kind.search(str(mine.id), org.rep1, 21, 0) == [(mine.id, "星河科技")]
        assert kind.label_for([mine.id, theirs.id], org.rep1) == {mine.id: "星河科技"}
        assert [i for i, _l in kind.search("星河", org.manager, 21, 0)] == [mine.id, theirs.id]  # 科技 < 贸易
        assert kind.label_for([theirs.id], org.sup2) == {theirs.id: "星河贸易"}  # rep2's supervisor


def test_contacts_are_found_by_name_phone_or_e_mail_within_scope_and_erased_ones_never(app, db, org, new_customer):
    mine = new_customer(org.rep1, name="星河科技")
    theirs = new_customer(org.rep2, name="远山贸易")
    wang = contacts.add_contact(db.session, mine, {"name": "王经理", "phone": "13800001111",
                                                   "email": "wang@xinghe.cn"}, org.rep1)
    other_wang = contacts.add_contact(db.session, theirs, {"name": "王总"}, org.rep2)
    gone = contacts.add_contact(db.session, mine, {"name": "王离职"}, org.rep1)
    db.session.commit()
    from core.timeutil import utcnow

    gone.anonymised_at = utcnow()
    db.session.commit()
    kind = _kinds(app)["crm.contact"]
    with app.test_request_context("/"):
        assert kind.search("王", org.rep1, 21, 0) == [(wang.id, "王经理 · 星河科技")]
        assert kind.search("138 0000", org.rep1, 21, 0) == [(wang.id, "王经理 · 星河科技")]
        assert kind.search("wang@", org.rep1, 21, 0) == [(wang.id, "王经理 · 星河科技")]
        assert kind.label_for([wang.id, other_wang.id, gone.id], org.rep1) == {wang.id: "王经理 · 星河科技"}
        assert {i for i, _l in kind.search("王", org.manager, 21, 0)} == {wang.id, other_wang.id}


def test_the_endpoint_serves_the_kinds_to_the_signed_in_user_only_within_scope(app, db, client, org, login_as,
                                                                                new_customer):
    new_customer(org.rep1, name="星河科技")
    new_customer(org.rep2, name="星河贸易")
    login_as(org.rep1)
    answer = client.get("/lookup/crm.customer?q=星河")
    assert answer.status_code == 200
    assert [r["label"] for r in answer.get_json()["results"]] == ["星河科技"]


@pytest.mark.parametrize("login", ["rep1", "sup1", "manager"])
def test_a_broad_text_finds_the_page_the_index_finds(app, db, org, login, monkeypatch):
    """Either way (a broad text tested on the rows read in the name's order, or through the substring index) gives
    the same pages, in the same order and scope, for every shape of text and a customer's number."""
    from plugins.crm import lookups

    _many_customers(db, org.rep1, 30)
    _many_customers(db, org.rep2, 12)
    kind = _kinds(app)["crm.customer"]
    user = getattr(org, login)
    pages = {}
    for broad in (False, True):
        monkeypatch.setattr(lookups, "_read_as_broad", lambda *_args, broad=broad: broad)
        with app.test_request_context("/"):
            pages[broad] = [kind.search(text, user, 7, offset) for text in ("客户", "客户00", "0001", "1", "zz")
                            for offset in (0, 7)]
    assert pages[True] == pages[False] and any(pages[True])


@pytest.mark.parametrize("login", ["rep1", "sup1", "manager"])
def test_which_scopes_read_a_broad_text_from_the_customers(app, db, org, new_customer, monkeypatch, login):
    """What tells the two ways apart: a customer missing from the substring index is found only when the text is
    broad and read from the customers: on PostgreSQL for every scope, on SQLite for a representative's own
    customers only (a team's or the company's keep the index there)."""
    from sqlalchemy import delete

    from plugins.crm.models import CustomerSearchGram
    from plugins.crm.services import search_terms

    kept = new_customer(org.rep1, name="星河科技有限公司一部")
    hidden = new_customer(org.rep1, name="星河科技有限公司二部")
    db.session.execute(delete(CustomerSearchGram).where(CustomerSearchGram.customer_id == hidden.id))
    db.session.commit()
    kind = _kinds(app)["crm.customer"]
    found = {}
    for broad_at in (10**9, 1):
        monkeypatch.setattr(search_terms, "BROAD_TEXT_CANDIDATES", broad_at)
        with app.test_request_context("/"):
            found[broad_at] = {label for _id, label in kind.search("星河", getattr(org, login), 20, 0)}
    read_from_customers = login == "rep1" or db.engine.dialect.name == "postgresql"
    assert found[10**9] == {kept.name}
    assert found[1] == ({kept.name, hidden.name} if read_from_customers else {kept.name})
