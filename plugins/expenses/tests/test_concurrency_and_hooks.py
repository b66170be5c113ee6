"""Two finance users paying one claim at once; what the plugin offers others (KPIs, compliance, search, jobs)."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.contracts import Period
from core.testing.contract import PluginContract
from core.timeutil import local_today
from plugins.expenses import platform
from plugins.expenses.models import Budget, Claim, Payment
from plugins.expenses.services.claims import update_claim
from plugins.expenses.services.common import ConcurrentChange, ExpenseError
from plugins.expenses.services.notices import remind_overdue_reviewers
from plugins.expenses.services.workflow import transition
from plugins.expenses.tests.conftest import draft, line, pay_input, to_paid


class TestExpensesContract(PluginContract):
    plugin = "expenses"


def _approved_claim(db, company):
    claim = draft(db, company.rep, line(company.travel, "500.00"))
    for user, action in ((company.rep, "submit"), (company.head, "approve"), (company.finance, "finance_approve")):
        transition(db.session, claim, user, action)
    db.session.commit()
    return claim.id


def test_two_finance_users_paying_at_once_make_exactly_one_payment(app, db, company, make_app):
    """Two app instances (two connection pools, like two processes) pay the same claim at the same moment."""
    from core.extensions import db as database
    from core.identity.models import User

    claim_id = _approved_claim(db, company)
    finance_ids = (company.finance.id, company.finance2.id)
    apps = [make_app(), make_app()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def pay(application, user_id):
        with application.app_context():
            try:
                claim = database.session.get(Claim, claim_id)
                user = database.session.get(User, user_id)
                assert claim.state == "finance_approved" and user is not None
                barrier.wait(timeout=10)  # both have read the claim as payable
                transition(database.session, claim, user, "pay", payment=pay_input())
                database.session.commit()
                outcomes.append("paid")
            except ExpenseError as exc:
                database.session.rollback()
                outcomes.append(exc.code)
            finally:
                database.session.remove()

    threads = [threading.Thread(target=pay, args=(a, u)) for a, u in zip(apps, finance_ids, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "paid"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Payment.id)).where(Payment.claim_id == claim_id)) == 1
    assert db.session.get(Claim, claim_id).state == "paid"


def test_a_stale_form_cannot_overwrite_a_newer_change(app, db, company):
    claim = draft(db, company.rep, line(company.travel))
    seen_version = claim.version
    update_claim(db.session, claim, company.rep, "New purpose", [line(company.travel, line_id=claim.lines[0].id)])
    db.session.commit()
    with pytest.raises(ConcurrentChange):
        update_claim(db.session, claim, company.rep, "Old purpose",
                              [line(company.travel, line_id=claim.lines[0].id)], expected_version=seen_version)


def test_kpis_total_and_days_to_payment_per_user_and_period(app, db, company):
    from plugins.expenses.kpis import kpi_days_to_payment, kpi_total

    to_paid(db, company, draft(db, company.rep, line(company.travel, "120.00", "K1"), line(company.office, "0.30", "K2")))
    draft(db, company.rep2, line(company.travel, "999.00", "K3"))  # a draft does not count
    today = platform.local_today()
    period = Period(today - timedelta(days=30), today + timedelta(days=1))
    totals = kpi_total([company.rep.id, company.rep2.id], period)
    assert totals == {company.rep.id: Decimal("120.30"), company.rep2.id: Decimal("0.00")}
    days = kpi_days_to_payment([company.rep.id, company.rep2.id], period)
    assert set(days) == {company.rep.id} and days[company.rep.id] >= 0
    engine = app.extensions["netsales"]
    from core.contracts import KPIDef

    keys = {k.key for k in engine.collect("register_kpis", KPIDef)}
    assert {"expenses.total", "expenses.days_to_payment"} <= keys


def test_compliance_counts_paid_claims_that_skipped_a_review(app, db, company):
    from plugins.expenses.compliance import measure_budgets_kept, measure_paid_claims_reviewed
    from plugins.expenses.models import ClaimEvent

    assert measure_paid_claims_reviewed().ratio is None
    good = to_paid(db, company, draft(db, company.rep, line(company.travel, invoice="C1")))
    bad = to_paid(db, company, draft(db, company.rep, line(company.travel, invoice="C2")))
    db.session.execute(ClaimEvent.__table__.delete().where(ClaimEvent.claim_id == bad.id,
                                                           ClaimEvent.action == "approve"))
    db.session.commit()
    result = measure_paid_claims_reviewed()
    assert result.ratio == Decimal("0.5000") and not result.ok
    assert good.state == "paid"
    assert measure_budgets_kept().ratio is None  # no approved budget this year yet


def test_search_finds_only_visible_claims(app, db, company):
    mine = draft(db, company.rep, line(company.travel, invoice="S1"), title="Beijing fair")
    draft(db, company.rep2, line(company.travel, invoice="S2"), title="Beijing roadshow")
    engine = app.extensions["netsales"]
    from core.contracts import SearchResult

    with app.test_request_context():
        results = engine.collect("global_search", SearchResult, query="Beijing", user=company.rep, limit=10)
    assert [r.title for r in results] == [f"{mine.number} Beijing fair"]


def test_reviewers_are_reminded_of_claims_waiting_too_long_once_a_day(app, db, company):
    from core.notifications.models import Notification

    claim = draft(db, company.rep, line(company.travel))
    transition(db.session, claim, company.rep, "submit")
    claim.submitted_at = claim.submitted_at - timedelta(days=10)
    db.session.commit()
    before = db.session.scalar(select(func.count(Notification.id)).where(Notification.recipient_id == company.head.id))
    assert remind_overdue_reviewers(db.session) == 1
    assert remind_overdue_reviewers(db.session) == 0  # not twice the same day
    db.session.commit()
    after = db.session.scalar(select(func.count(Notification.id)).where(Notification.recipient_id == company.head.id))
    assert after == before + 1


def test_demo_data_makes_claims_in_every_state(app, db):
    import random

    from core.identity.demo import create_demo_people
    from plugins.expenses.demo import load_demo

    create_demo_people(db.session, random.Random(1))
    load_demo(db.session, random.Random(1))
    db.session.commit()
    states = set(db.session.scalars(select(Claim.state)))
    assert states == {"draft", "submitted", "dept_head_approved", "finance_approved", "paid", "returned", "rejected"}
    assert local_today().year in set(db.session.scalars(select(Budget.year)))
    # issue 12: a "waits for your review" notification resolves itself when the claim moves on, so the approvers'
    # unread requests are the claims that still wait for them (the manager had 18 unread for 2-3 claims)
    from core.notifications.models import Notification

    unread_requests = db.session.scalar(select(func.count(Notification.id)).where(
        Notification.subject.like("expenses.claim:%"), Notification.read_at.is_(None),
        Notification.message.like("%waits for your review%")))
    waiting = db.session.scalar(select(func.count(Claim.id)).where(Claim.state == "submitted",
                                                                   Claim.approver_id.is_not(None)))
    assert unread_requests == waiting > 0
