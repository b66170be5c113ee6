"""The global search finds contacts by name through crm_contact_gram, the names' substring index kept by database
triggers (issue 18: reading every contact of a scope grew the search with the contacts): what it finds is what a
LIKE over the names finds, after every kind of write; a text the index cannot answer reads the names instead."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from core.contracts import SearchResult
from plugins.crm.models import Contact, ContactSearchGram


@pytest.fixture
def contact_names(app):
    """contact_names(query, user) -> the names of the contacts the CRM's global search answers."""
    engine = app.extensions["netsales"]

    def search(query, user):
        with app.test_request_context("/"):
            results = engine.collect("global_search", SearchResult, only="crm", query=query, user=user, limit=20)
        return {r.title for r in results if r.kind == "contact"}

    return search


@pytest.fixture
def customer_with_contacts(db, org, new_customer):
    from plugins.crm.services.contacts import add_contact

    customer = new_customer(org.rep1, name="甲乙丙丁有限公司")
    for name in ("欧阳明月清风徐来", "Zhang San Feng", "Émile Zola", "王小明"):
        add_contact(db.session, customer, {"name": name}, org.rep1)
    db.session.commit()
    return customer


@pytest.mark.parametrize(("query", "names"), [
    ("明月清风", {"欧阳明月清风徐来"}),          # inside a name
    ("欧阳明月清风徐来", {"欧阳明月清风徐来"}),  # the whole name: eight characters, one window
    ("zhang san feng", {"Zhang San Feng"}),     # longer than a window: its first and last windows, then the LIKE
    ("SAN F", {"Zhang San Feng"}),              # any case of ASCII letters
    ("zola", {"Émile Zola"}),
    ("Émile", {"Émile Zola"}),                  # a cased letter beyond ASCII: the names are read instead
    ("小明", {"王小明"}),
    ("明", {"欧阳明月清风徐来", "王小明"}),
    ("清风明月", set()),
])
def test_contacts_are_found_by_any_part_of_their_name(app, org, customer_with_contacts, contact_names, query, names):
    assert contact_names(query, org.manager) == names
    assert contact_names(query, org.rep2) == set()  # not rep2's customer


def test_the_index_follows_renames_erasure_and_deletion(app, db, org, customer_with_contacts, contact_names):
    from plugins.crm.services.contacts import update_contact
    from plugins.crm.services.privacy import anonymise_contact

    contact = db.session.scalar(select(Contact).where(Contact.name == "王小明"))
    update_contact(db.session, contact, {"name": "李大明"}, org.rep1)
    db.session.commit()
    assert contact_names("小明", org.manager) == set() and contact_names("大明", org.manager) == {"李大明"}

    anonymise_contact(db.session, contact, org.manager, "客户要求删除个人信息")
    db.session.commit()
    assert contact_names("大明", org.manager) == set()

    db.session.execute(update(Contact).where(Contact.name == "Zhang San Feng").values(name="Zhao Si"))
    db.session.execute(delete(Contact).where(Contact.name == "Émile Zola"))
    db.session.commit()
    assert contact_names("zhao", org.manager) == {"Zhao Si"} and contact_names("zhang", org.manager) == set()
    assert contact_names("zola", org.manager) == set()
    db.session.expire_all()
    indexed = set(db.session.scalars(select(ContactSearchGram.contact_id)))
    assert indexed == set(db.session.scalars(select(Contact.id).where(Contact.name != "")))


def test_the_search_reads_the_index_not_the_names(app, db, org, customer_with_contacts, contact_names):
    """Without the index's rows, a text it answers finds no contact by name; one it cannot answer still does."""
    db.session.execute(delete(ContactSearchGram))
    db.session.commit()
    assert contact_names("明月", org.manager) == set()
    assert contact_names("Émile", org.manager) == {"Émile Zola"}
