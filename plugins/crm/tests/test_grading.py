"""A/B/C grading (R5.2.1): set-based regrade from purchase figures and potential, overrides, history."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.timeutil import local_today
from plugins.crm.models import Customer, GradeChange, Purchase
from plugins.crm.services import grading


def _buy(db, customer, orders, amount_each):
    for n in range(orders):
        db.session.add(Purchase(customer_id=customer.id, shop="天猫", reference=f"{customer.id}-{n}",
                                ordered_on=local_today() - timedelta(days=10 + n), amount=Decimal(amount_each)))
    db.session.commit()


def test_regrade_grades_from_frequency_amount_and_potential_and_keeps_history(db, org, new_customer, crm_alone):
    big = new_customer(org.rep1, name="Big", potential_value="200000")
    mid = new_customer(org.rep1, name="Mid")
    small = new_customer(org.rep1, name="Small")
    _buy(db, big, 12, "9000")
    _buy(db, mid, 6, "5000")  # 40*0.5 + 40*0.3 = 32 -> B
    _buy(db, small, 1, "100")
    old = db.session.add(Purchase(customer_id=small.id, shop="天猫", reference="old", amount=Decimal("99999"),
                                  ordered_on=local_today() - timedelta(days=800)))  # outside the window
    db.session.commit()
    customers_before = db.session.scalar(select(func.count(Customer.id)))

    result = grading.regrade(db.session)
    db.session.commit()

    assert (result.graded, result.changed, result.source) == (3, 3, "crm")
    grades = dict(db.session.execute(select(Customer.name, Customer.grade)).all())
    assert grades == {"Big": "A", "Mid": "B", "Small": "C"}
    mid = db.session.get(Customer, mid.id)
    assert (mid.orders_count, mid.purchase_amount, mid.grade_score) == (6, Decimal("30000.00"), Decimal("32.00"))
    assert db.session.scalar(select(func.count(GradeChange.id))) == 3
    assert db.session.scalar(select(func.count(Customer.id))) == customers_before
    assert old is None

    # Big became A: its open revisit (planned 90 days out while ungraded) moves to A's 30 days.
    from plugins.crm.models import Revisit
    from plugins.crm.services import customers

    customers.change_state(db.session, big, "prospect", org.rep1)
    assert db.session.scalar(select(Revisit.due_on).where(Revisit.customer_id == big.id)) == local_today() + \
        timedelta(days=30)
    customers.change_state(db.session, small, "prospect", org.rep1)
    db.session.execute(Revisit.__table__.update().where(Revisit.customer_id == small.id)
                       .values(due_on=local_today() + timedelta(days=200)))
    grading.regrade(db.session)
    revisit = db.session.scalar(select(Revisit).where(Revisit.customer_id == small.id))
    assert (revisit.grade, revisit.due_on) == ("C", local_today() + timedelta(days=90))

    again = grading.regrade(db.session)  # nothing changed: no new history
    assert again.changed == 0 and db.session.scalar(select(func.count(GradeChange.id))) == 3


def test_weights_and_thresholds_come_from_the_settings(db, org, new_customer, crm_alone):
    from core.settings import set_setting

    customer = new_customer(org.rep1, name="Potential only", potential_value="200000")
    grading.regrade(db.session)
    assert db.session.get(Customer, customer.id).grade == "C"  # 20 points < 25
    set_setting("crm.grade_b_threshold", 20)
    db.session.commit()
    grading.regrade(db.session)
    assert db.session.get(Customer, customer.id).grade == "B"


def test_a_managers_override_survives_the_regrade_until_released(db, org, new_customer, crm_alone):
    customer = new_customer(org.rep1, name="Strategic")
    grading.regrade(db.session)
    grading.override(db.session, customer, "A", "战略合作伙伴", org.manager)
    db.session.commit()
    grading.regrade(db.session)
    db.session.commit()
    customer = db.session.get(Customer, customer.id)
    assert customer.grade == "A" and customer.grade_locked
    grading.release_override(db.session, customer, org.manager)
    db.session.commit()
    assert customer.grade == "C"
    history = db.session.execute(select(GradeChange.source, GradeChange.new_grade, GradeChange.reason)
                                 .where(GradeChange.customer_id == customer.id).order_by(GradeChange.id)).all()
    assert history == [("auto", "C", None), ("override", "A", "战略合作伙伴"), ("release", "C", None)]


def test_the_pipelines_figures_replace_crms_own_when_it_is_enabled(app, db, org, new_customer, enable_plugin):
    """R5.2.1: purchase figures come from the pipeline when it is enabled, never added to the shop imports."""
    if "pipeline" not in app.extensions["netsales"].plugins:
        return
    enable_plugin("pipeline")
    customer = new_customer(org.rep1, name="Pipeline customer")
    _buy(db, customer, 3, "10")
    result = grading.regrade(db.session)
    assert result.source == "pipeline"
    assert db.session.get(Customer, customer.id).orders_count == 0  # the pipeline has no order of theirs


@pytest.mark.parametrize("update_from", [True, False])
def test_regrade_copies_the_figures_in_and_out_of_the_window(db, org, new_customer, crm_alone, monkeypatch,
                                                             update_from):
    """UPDATE ... FROM the staging table (or, on SQLite before 3.33, correlated subqueries) sets the figures of
    customers with purchases in the window and resets the others; the last purchase date is kept."""
    monkeypatch.setattr(grading, "_update_from_supported", lambda session: update_from)
    buyer = new_customer(org.rep1, name="Buyer")
    idle = new_customer(org.rep1, name="Idle")
    _buy(db, buyer, 2, "100")

    def figures(customer):
        db.session.expire_all()
        row = db.session.get(Customer, customer.id)
        return row.orders_count, row.purchase_amount, row.last_purchase_on

    grading.regrade(db.session)
    assert figures(buyer) == (2, Decimal("200.00"), local_today() - timedelta(days=10))
    assert figures(idle) == (0, Decimal("0.00"), None)
    db.session.execute(Purchase.__table__.update().where(Purchase.customer_id == buyer.id)
                       .values(ordered_on=local_today() - timedelta(days=900)))  # out of the window
    _buy(db, idle, 1, "50")
    grading.regrade(db.session)
    assert figures(buyer) == (0, Decimal("0.00"), local_today() - timedelta(days=10))
    assert figures(idle) == (1, Decimal("50.00"), local_today() - timedelta(days=10))
