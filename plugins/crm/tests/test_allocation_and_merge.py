"""Allocation (R2.2.3) and merging duplicates (R5.1.2): nothing is lost, every move is in the history."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.timeutil import local_today
from plugins.crm.models import (
    Consent,
    Contact,
    Customer,
    GradeChange,
    Interaction,
    MergeRecord,
    OwnershipChange,
    Purchase,
    Revisit,
)
from plugins.crm.services import allocation, contacts, customers, grading, interactions, merge
from plugins.crm.services.errors import CRMError


def test_bulk_assign_moves_owners_and_open_revisits_and_records_who_did_it(db, org, new_customer):
    a = new_customer(org.rep1, name="A", state="customer")
    b = new_customer(org.rep1, name="B")
    changed = allocation.assign(db.session, [a.id, b.id], org.rep1b.id, org.sup1, "休假交接")
    db.session.commit()
    assert changed == 2
    assert set(db.session.scalars(select(Customer.owner_id))) == {org.rep1b.id}
    assert db.session.scalar(select(Revisit.owner_id).where(Revisit.customer_id == a.id)) == org.rep1b.id
    moves = db.session.execute(select(OwnershipChange.from_user_id, OwnershipChange.to_user_id,
                                      OwnershipChange.changed_by_id, OwnershipChange.reason)
                               .where(OwnershipChange.reason == "休假交接")).all()
    assert sorted(moves) == [(org.rep1.id, org.rep1b.id, org.sup1.id, "休假交接")] * 2


def test_the_lead_pool_is_distributed_round_robin_starting_with_the_least_loaded(db, org, new_customer):
    new_customer(org.rep1, name="Existing")  # rep1 already owns one
    pool = [customers.create_customer(db.session, {"name": f"Lead {n}"}, org.sup1, owner_id=None,
                                      allow_duplicate=True).id for n in range(5)]
    db.session.commit()
    assert allocation.pool_ids(db.session) == pool
    shares = allocation.distribute(db.session, pool, [org.rep1.id, org.rep1b.id], org.sup1)
    db.session.commit()
    assert shares == {org.rep1b.id: 3, org.rep1.id: 2}
    assert allocation.pool_ids(db.session) == []


def test_all_customers_of_a_deactivated_rep_move_to_the_others(db, org, new_customer):
    for n in range(4):
        new_customer(org.rep1, name=f"C{n}")
    org.rep1.active = False
    db.session.commit()
    assert [(u.id, n) for u, n in allocation.inactive_owners(db.session)] == [(org.rep1.id, 4)]
    with pytest.raises(CRMError):
        allocation.move_all(db.session, org.rep1.id, [org.rep1.id], org.sup1)
    shares = allocation.move_all(db.session, org.rep1.id, [org.rep1b.id, org.sup1.id], org.sup1)
    db.session.commit()
    assert sum(shares.values()) == 4 and allocation.inactive_owners(db.session) == []


def test_assigning_to_an_inactive_person_is_refused(db, org, new_customer):
    customer = new_customer(org.rep1)
    org.rep2.active = False
    db.session.commit()
    with pytest.raises(CRMError):
        allocation.assign(db.session, [customer.id], org.rep2.id, org.manager)


def _counts(db, customer_id):
    models = (Contact, Interaction, Revisit, Purchase, GradeChange, OwnershipChange)
    return {m.__name__: db.session.scalar(select(func.count(m.id)).where(m.customer_id == customer_id))
            for m in models}


def test_merging_moves_every_record_and_archives_the_other_file_with_a_snapshot(db, org, new_customer):
    keep = new_customer(org.rep1, name="星河科技", state="customer", phone="13800000001", tags="老客户")
    drop = new_customer(org.rep2, name="星河科技有限公司", state="customer", email="x@xinghe.cn", industry="零售",
                        needs="要发票", tags="华东")
    for customer in (keep, drop):
        contact = contacts.add_contact(db.session, customer, {"name": f"联系人{customer.id}"}, org.manager)
        contacts.record_consent(db.session, contact, "资讯", ["email"], local_today(), org.manager)
        interactions.log_interaction(db.session, customer, {"kind": "call", "summary": "通话"}, org.manager)
        db.session.add(Purchase(customer_id=customer.id, shop="京东", reference=f"R{customer.id}",
                                ordered_on=local_today(), amount=Decimal("100")))
    grading.regrade(db.session)
    db.session.commit()
    before_keep, before_drop = _counts(db, keep.id), _counts(db, drop.id)
    consents_before = db.session.scalar(select(func.count(Consent.id)))

    merge.merge(db.session, keep, drop, org.sup1)
    db.session.commit()

    after = _counts(db, keep.id)
    for name, n in before_keep.items():
        extra = 1 if name == "OwnershipChange" else 0  # the merge itself is recorded
        if name == "Revisit":
            continue  # two open revisits become one; the done ones all stay
        assert after[name] == n + before_drop[name] + extra, name
    assert _counts(db, drop.id)["Contact"] == 0
    assert db.session.scalar(select(func.count(Consent.id))) == consents_before
    assert db.session.scalar(select(func.count(Revisit.id)).where(Revisit.customer_id == keep.id,
                                                                  Revisit.done_at.is_(None))) == 1
    keep, drop = db.session.get(Customer, keep.id), db.session.get(Customer, drop.id)
    assert (keep.email, keep.industry, keep.phone) == ("x@xinghe.cn", "零售", "13800000001")
    assert keep.tag_names == ["华东", "老客户"] and keep.contacts_count == 2
    assert drop.merged_into_id == keep.id and drop.archived
    snapshot = db.session.scalar(select(MergeRecord.snapshot).where(MergeRecord.merged_id == drop.id))
    assert "x@xinghe.cn" in snapshot
    # The archived file no longer shows up as a duplicate or in lists.
    assert [d.customer_id for d in customers.find_duplicates(db.session, "星河科技有限公司")] == [keep.id]
    with pytest.raises(CRMError):
        merge.merge(db.session, keep, drop, org.sup1)
