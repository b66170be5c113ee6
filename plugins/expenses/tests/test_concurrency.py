"""Concurrent transitions of one expense claim or budget line: exactly one wins, the other is told, on the pages
(a flash, nothing half-saved) and in the API (409 with a message) (DESIGN.md; issue 11 F3 and F5).

The concurrency suite lives beside each plugin's other tests (``plugins/<name>/tests/test_concurrency.py``; the
pipeline's module says why). Each test runs two app instances (two connection pools, as two processes) through
``core.testing.concurrency.race``, which holds each request just before its first write until both have read the
record, so both pass the state checks: deterministic, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from core.testing.concurrency import race
from core.timeutil import local_today
from plugins.expenses.models import Claim, ClaimEvent, Payment
from plugins.expenses.services.notices import remind_overdue_reviewers
from plugins.expenses.services.workflow import STEPS, transition
from plugins.expenses.tests.conftest import budget, draft, line

CONFLICT = "Someone else changed this claim a moment ago. Reload it and try again."


@pytest.fixture
def english(db: Any, company: Any) -> None:
    for user in (company.rep, company.head, company.boss, company.finance, company.finance2):
        user.locale = "en"
    db.session.commit()


def _claim_in(db: Any, company: Any, state: str, invoice: str = "INV-1") -> Claim:
    claim = draft(db, company.rep, line(company.travel, "500.00", invoice))
    steps = {"draft": [], "submitted": ["submit"], "dept_head_approved": ["submit", "approve"],
             "finance_approved": ["submit", "approve", "finance_approve"]}[state]
    users = {"submit": company.rep, "approve": company.head, "finance_approve": company.finance}
    for action in steps:
        transition(db.session, claim, users[action], action)
    db.session.commit()
    return claim


def _events(db: Any, claim_id: int, *actions: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(ClaimEvent.id)).where(ClaimEvent.claim_id == claim_id,
                                                                     ClaimEvent.action.in_(actions)))


def _token(db: Any, user: Any) -> dict[str, str]:
    from core.api.tokens import create_token

    _token_row, secret = create_token(db.session, user.id, "race", None)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def _flashes(client: Any) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def payment() -> dict[str, str]:
    return {"paid_on": local_today().isoformat(), "method": "bank_transfer", "reference": "YH-001"}


def test_two_api_payments_at_once_give_one_payment_and_a_409(db, company, english, make_app):
    """F5: the loser of two parallel API ``pay`` transitions gets 409 with a message, never a 500."""
    claim = _claim_in(db, company, "finance_approved")
    url = f"/api/v1/expenses/claims/{claim.id}/transitions"
    headers = [_token(db, company.finance), _token(db, company.finance2)]
    clients = [make_app().test_client(), make_app().test_client()]
    body = {"action": "pay", "payment": payment()}
    outcome = race(*(lambda c=c, h=h: c.post(url, json=body, headers=h) for c, h in zip(clients, headers,
                                                                                       strict=True)))
    outcome.raise_errors()
    assert outcome.interleaved
    answers = sorted((r.status_code, r.get_json()) for r in outcome.results)
    assert [status for status, _body in answers] == [200, 409]
    assert answers[0][1]["state"] == "paid"
    assert answers[1][1] == {"error": {"status": 409, "message": CONFLICT}}
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Payment.id)).where(Payment.claim_id == claim.id)) == 1
    assert _events(db, claim.id, "pay") == 1


#: (state the claim is in, the first person's step, the second's): every step of the claim's state machine (R9.2)
#: against itself or a rival step from the same state.
STEP_RACES = {
    "submit-submit": ("draft", ("rep", "submit"), ("rep", "submit")),
    "approve-return": ("submitted", ("head", "approve"), ("head", "return")),
    "approve-reject": ("submitted", ("head", "approve"), ("head", "reject")),
    "finance_approve-finance_return": ("dept_head_approved", ("finance", "finance_approve"),
                                       ("finance2", "finance_return")),
    "finance_reject-finance_approve": ("dept_head_approved", ("finance", "finance_reject"),
                                       ("finance2", "finance_approve")),
    "pay-pay": ("finance_approved", ("finance", "pay"), ("finance2", "pay")),
}


def _form(action: str, version: int) -> dict[str, str]:
    data = {"version": str(version), "reason": "发票不清楚"}
    return {**data, **payment()} if action == "pay" else data


@pytest.mark.parametrize("race_name", list(STEP_RACES))
def test_two_steps_on_one_claim_at_once_record_exactly_one(db, company, english, make_app, login_as, race_name):
    """Each step of the claim's review, taken twice at the same moment on the pages: one is recorded (one event,
    one payment at most, the state it leads to), the other person reads that someone else was quicker."""
    state, (who_a, action_a), (who_b, action_b) = STEP_RACES[race_name]
    claim = _claim_in(db, company, state)
    clients = []
    for who in (who_a, who_b):
        client = make_app().test_client()
        login_as(getattr(company, who), on=client)
        clients.append(client)
    posts = [(client, f"/expenses/claims/{claim.id}/act/{action}", _form(action, claim.version))
             for client, action in zip(clients, (action_a, action_b), strict=True)]
    outcome = race(*(lambda c=c, u=u, d=d: c.post(u, data=d) for c, u, d in posts))
    outcome.raise_errors()
    assert outcome.interleaved
    assert all(r.status_code in (302, 303) for r in outcome.results), [r.status_code for r in outcome.results]
    assert _events(db, claim.id, action_a, action_b) == 1
    won = db.session.scalar(select(ClaimEvent).where(ClaimEvent.claim_id == claim.id,
                                                     ClaimEvent.action.in_((action_a, action_b))))
    assert db.session.get(Claim, claim.id).state == STEPS[won.action].target
    payments = db.session.scalar(select(func.count(Payment.id)).where(Payment.claim_id == claim.id))
    assert payments == (1 if won.action == "pay" else 0)
    flashes = sorted((_flashes(clients[0]), _flashes(clients[1])), key=lambda f: f != [CONFLICT])
    assert flashes[0] == [CONFLICT] and CONFLICT not in flashes[1]


def test_a_batch_payment_and_a_single_payment_at_once_pay_the_claim_once(db, company, english, make_app, login_as):
    """The finance queue's batch payment (all or none) against a single payment of one of its claims."""
    first, second = _claim_in(db, company, "finance_approved"), _claim_in(db, company, "finance_approved", "INV-2")
    batch, single = make_app().test_client(), make_app().test_client()
    login_as(company.finance, on=batch)
    login_as(company.finance2, on=single)
    batch_form = {"ids": [str(first.id), str(second.id)], **payment()}
    single_url, single_form = f"/expenses/claims/{second.id}/act/pay", _form("pay", second.version)
    outcome = race(lambda: batch.post("/expenses/finance/pay", data=batch_form),
                   lambda: single.post(single_url, data=single_form))
    outcome.raise_errors()
    assert outcome.interleaved
    db.session.expire_all()
    paid = {claim_id: db.session.scalar(select(func.count(Payment.id)).where(Payment.claim_id == claim_id))
            for claim_id in (first.id, second.id)}
    assert paid[second.id] == 1
    assert paid[first.id] in (0, 1)  # the batch is all or none: paid with it, or left for another try
    assert [CONFLICT] in (_flashes(batch), _flashes(single))


@pytest.mark.parametrize("action", ["approve", "reopen"])
def test_two_budget_decisions_at_once_leave_one(db, company, english, make_app, login_as, make_user, action):
    """R9.1.2: two approvers approve (or reopen) one budget line at the same moment: one is written."""
    from core.audit.models import AuditLog

    line_ = budget(db, company, company.travel, "10000.00", approve=action == "reopen")
    other = make_user("boss2", roles=["sales_manager"], name="Boss Two", locale="en")
    mark = db.session.scalar(select(func.max(AuditLog.id))) or 0
    clients = []
    for user in (company.boss, other):
        client = make_app().test_client()
        login_as(user, on=client)
        clients.append(client)
    url = f"/expenses/budgets/{line_.id}/{action}"
    outcome = race(*(lambda c=c: c.post(url) for c in clients))
    outcome.raise_errors()
    assert outcome.interleaved
    db.session.expire_all()
    writes = db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.id > mark, AuditLog.table_name == "expenses_budget", AuditLog.record_id == str(line_.id)))
    assert writes == 1
    assert any(m.startswith("Someone else changed") for m in _flashes(clients[0]) + _flashes(clients[1]))


def test_two_api_edits_of_one_draft_at_once_keep_one_and_answer_409(db, company, english, make_app):
    """Not a step but the same versioned row: two tabs saving one draft (it answered 500 from the early flush)."""
    claim = _claim_in(db, company, "draft")
    line_id, url = claim.lines[0].id, f"/api/v1/expenses/claims/{claim.id}"
    headers = _token(db, company.rep)

    def body(title: str) -> dict[str, Any]:
        return {"title": title, "lines": [{"id": line_id, "expense_date": local_today().isoformat(),
                                           "category_id": company.travel.id, "amount": "500.00",
                                           "description": "Taxi", "invoice_number": "INV-1"}]}

    first, second = body("Beijing fair"), body("Shanghai fair")
    clients = [make_app().test_client(), make_app().test_client()]
    outcome = race(lambda: clients[0].put(url, json=first, headers=headers),
                   lambda: clients[1].put(url, json=second, headers=headers))
    outcome.raise_errors()
    assert outcome.interleaved
    answers = sorted((r.status_code, r.get_json()) for r in outcome.results)
    assert [status for status, _body in answers] == [200, 409]
    assert answers[1][1] == {"error": {"status": 409, "message": CONFLICT}}
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).title == answers[0][1]["title"]


def test_the_reminder_job_and_a_review_step_at_once_both_go_through(db, company, english, make_app, login_as):
    """The daily reminder writes reminded_at without the claim's version: it neither fails on a step taken
    meanwhile nor makes the reviewer's step a conflict (it bumped the version the reviewer's page carried)."""
    from datetime import timedelta

    from core.extensions import db as database

    claim = _claim_in(db, company, "submitted")
    claim.submitted_at -= timedelta(days=30)
    db.session.commit()
    url, form = f"/expenses/claims/{claim.id}/act/approve", _form("approve", claim.version)
    job_app, head = make_app(), make_app().test_client()
    login_as(company.head, on=head)

    def job() -> int:
        with job_app.app_context():
            reminded = remind_overdue_reviewers(database.session)
            database.session.commit()
            return reminded

    outcome = race(job, lambda: head.post(url, data=form))
    outcome.raise_errors()
    assert outcome.interleaved
    assert outcome.results[0] in (0, 1)  # reminded, unless the approval was written first
    assert _flashes(head) and CONFLICT not in _flashes(head)
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).state == "dept_head_approved"
