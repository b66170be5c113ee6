"""Customer files: validation, lifecycle, completeness, duplicates, interactions and revisits (R5.1, R5.3.1)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.timeutil import local_today
from plugins.crm.models import Customer, OwnershipChange, Revisit
from plugins.crm.services import contacts, customers, interactions
from plugins.crm.services.errors import CRMError, FieldErrors


def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(db, org):
    with pytest.raises(FieldErrors) as refused:
        customers.create_customer(db.session, {"name": " ", "email": "not-an-email", "phone": "12",
                                               "potential_value": "-5", "source": "tv"}, org.rep1)
    assert set(refused.value.errors) == {"name", "email", "phone", "potential_value", "source"}
    db.session.rollback()
    assert db.session.scalar(select(func.count(Customer.id))) == 0


def test_a_new_customer_belongs_to_its_creator_with_history_and_normalised_contact_ways(db, org, new_customer):
    customer = new_customer(org.rep1, phone="+86 138-0013-8000", email=" Buyer@Example.COM ", tags="重点, 老客户, 重点")
    assert customer.owner_id == org.rep1.id
    assert customer.phone == "13800138000" and customer.email == "buyer@example.com"
    assert customer.tag_names == ["老客户", "重点"]
    assert db.session.scalar(select(OwnershipChange.to_user_id).where(OwnershipChange.customer_id == customer.id)) \
        == org.rep1.id


def test_duplicates_by_phone_email_or_similar_name_are_flagged_on_entry(db, org, new_customer):
    existing = new_customer(org.rep2, name="北京星河科技有限公司", phone="13800138000", email="a@b.cn")
    for data, reason in (({"name": "Other", "phone": "138 0013 8000"}, "phone"),
                         ({"name": "Other", "email": "A@B.CN"}, "email"),
                         ({"name": "北京星河科技"}, "name")):
        with pytest.raises(customers.DuplicateFound) as found:
            customers.create_customer(db.session, data, org.rep1)
        assert [(d.customer_id, reason in d.reasons) for d in found.value.duplicates] == [(existing.id, True)]
        db.session.rollback()
    confirmed = customers.create_customer(db.session, {"name": "北京星河科技"}, org.rep1, allow_duplicate=True)
    assert confirmed.id != existing.id


def test_the_lifecycle_allows_only_its_moves_and_schedules_revisits(db, org, new_customer):
    customer = new_customer(org.rep1)
    assert customer.state == "lead"
    assert db.session.scalar(select(func.count(Revisit.id)).where(Revisit.customer_id == customer.id)) == 0
    with pytest.raises(CRMError):
        customers.change_state(db.session, customer, "inactive", org.rep1)
    customers.change_state(db.session, customer, "prospect", org.rep1)
    customers.change_state(db.session, customer, "customer", org.rep1)
    db.session.commit()
    assert customer.became_customer_at is not None
    revisit = db.session.scalar(select(Revisit).where(Revisit.customer_id == customer.id))
    assert revisit.due_on > local_today() and revisit.done_at is None


def test_a_concurrent_state_change_from_a_stale_copy_is_refused(db, org, new_customer):
    customer = new_customer(org.rep1)
    db.session.execute(Customer.__table__.update().where(Customer.id == customer.id).values(state="prospect"))
    customer.state = "lead"  # the stale copy still thinks it is a lead
    with pytest.raises(CRMError):
        customers.change_state(db.session, customer, "prospect", org.rep1)


def test_completeness_counts_the_filled_parts_of_a_file(db, org, new_customer):
    customer = new_customer(org.rep1, name="Bare")
    assert customer.completeness == 25  # 2 of 8: a name and an owner
    full = new_customer(org.rep1, name="Full Co", phone="13900000000", source="referral", industry="零售",
                        region="上海", needs="团购")
    assert full.completeness < 100
    contacts.add_contact(db.session, full, {"name": "张伟"}, org.rep1)
    db.session.commit()
    assert full.completeness == 100
    assert customers.missing_fields(full) == []


def test_a_revisit_completes_the_planned_one_on_time_and_plans_the_next(db, org, new_customer):
    customer = new_customer(org.rep1, state="customer")
    planned = db.session.scalar(select(Revisit).where(Revisit.customer_id == customer.id))
    interactions.log_interaction(db.session, customer, {"kind": "revisit", "summary": "回访使用情况",
                                                        "next_step": "寄样品", "next_step_on": local_today()},
                                 org.rep1)
    db.session.commit()
    db.session.refresh(planned)
    assert planned.done_on_time is True and planned.interaction_id is not None
    open_ones = db.session.scalars(select(Revisit).where(Revisit.customer_id == customer.id,
                                                         Revisit.done_at.is_(None))).all()
    assert len(open_ones) == 1 and open_ones[0].due_on > local_today()


def test_an_interaction_needs_a_date_for_its_next_step_and_cannot_be_in_the_future(db, org, new_customer):
    from core.timeutil import utcnow

    customer = new_customer(org.rep1)
    with pytest.raises(FieldErrors) as refused:
        interactions.log_interaction(db.session, customer, {"kind": "chat", "summary": "", "next_step": "call",
                                                            "occurred_at": utcnow() + timedelta(days=1)}, org.rep1)
    assert set(refused.value.errors) == {"kind", "summary", "next_step_on", "occurred_at"}


def test_default_service_plans_are_written_in_the_company_language(app, db, monkeypatch):
    """R5.2.2: the plans seeded at installation are company data a manager edits, so a Chinese company gets
    them in Chinese whatever language the installer's browser speaks (config DEFAULT_LOCALE)."""
    from sqlalchemy import delete, select

    from plugins.crm.models import ServicePlan
    from plugins.crm.services.revisits import seed_plans

    for locale, expected in (("zh_Hans", "两个工作日内答复"), ("en", "Answer within two working days")):
        monkeypatch.setitem(app.config, "DEFAULT_LOCALE", locale)
        db.session.execute(delete(ServicePlan))
        seed_plans(db.session)
        db.session.flush()
        plans = {p.grade: p for p in db.session.scalars(select(ServicePlan))}
        assert sorted(plans) == ["A", "B", "C"]
        assert plans["C"].service_level == expected
        assert plans["C"].revisit_interval_days == 90


def test_the_needs_captured_on_a_customer_are_given_to_whoever_may_see_it(db, org, new_customer):
    """R6.1.3 → R6.2.1: a deal for the customer starts from what was learnt; another team learns nothing."""
    customer = new_customer(org.rep1, needs="  想把三家门店的会员系统合并，年底前上线  ")
    bare = new_customer(org.rep1, name="空白客户")
    assert customers.needs_summary(customer) == "想把三家门店的会员系统合并，年底前上线"
    assert customers.needs_summary(bare) is None
    assert customers.needs_for(db.session, customer.id, org.rep1) == "想把三家门店的会员系统合并，年底前上线"
    assert customers.needs_for(db.session, customer.id, org.sup1) == "想把三家门店的会员系统合并，年底前上线"
    assert customers.needs_for(db.session, customer.id, org.rep2) is None  # another team's customer
    assert customers.needs_for(db.session, bare.id, org.rep1) is None
    assert customers.needs_for(db.session, 10**9, org.manager) is None
