"""The claim rules of R9.2 ("Rules that must hold" of issue 7), through py."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from core.timeutil import local_today
from plugins.expenses.models import (
    DEPT_APPROVED,
    FINANCE_APPROVED,
    PAID,
    REJECTED,
    RETURNED,
    SUBMITTED,
    Payment,
)
from plugins.expenses.services.budgets import approve_budget, budget_figures, save_budget
from plugins.expenses.services.claims import add_receipt, create_claim, update_claim
from plugins.expenses.services.common import InvalidInput, NotPermitted, TransitionRefused
from plugins.expenses.services.payments import PaymentInput
from plugins.expenses.services.receipts import Upload
from plugins.expenses.services.workflow import allowed_actions, pay_batch, transition
from plugins.expenses.tests.conftest import PDF, PNG, budget, draft, line, pay_input, to_paid


def test_a_claim_goes_from_draft_to_paid_through_head_and_finance(app, db, company):
    claim = draft(db, company.rep, line(company.travel, "120.50", "A1"), line(company.office, "9.50", "A2"))
    assert claim.state == "draft" and claim.total == Decimal("130.00")
    assert claim.number.startswith("BX")
    transition(db.session, claim, company.rep, "submit")
    assert claim.state == SUBMITTED and claim.approver_id == company.head.id  # R9.2.2: the department head
    transition(db.session, claim, company.head, "approve")
    assert claim.state == DEPT_APPROVED
    transition(db.session, claim, company.finance, "finance_approve")  # R9.2.3
    assert claim.state == FINANCE_APPROVED
    transition(db.session, claim, company.finance, "pay", payment=pay_input())
    db.session.commit()
    assert claim.state == PAID and claim.payment.amount == Decimal("130.00")
    assert [e.action for e in claim.events] == ["submit", "approve", "finance_approve", "pay"]


@pytest.mark.parametrize("state_steps, action, who", [
    ((), "approve", "head"),  # a draft cannot be approved
    ((), "pay", "finance"),
    ((("rep", "submit"),), "finance_approve", "finance"),  # finance cannot skip the head (R9.2.2 before R9.2.3)
    ((("rep", "submit"),), "pay", "finance"),
    ((("rep", "submit"), ("head", "approve")), "approve", "head"),  # twice
    ((("rep", "submit"), ("head", "approve")), "submit", "rep"),
])
def test_a_step_from_the_wrong_state_is_refused(app, db, company, state_steps, action, who):
    claim = draft(db, company.rep, line(company.travel))
    for person, step in state_steps:
        transition(db.session, claim, getattr(company, person), step)
    db.session.commit()
    before = claim.state
    with pytest.raises(TransitionRefused) as refused:
        transition(db.session, claim, getattr(company, who), action, payment=pay_input())
    assert refused.value.code == "wrong_state" and refused.value.message
    db.session.rollback()
    assert claim.state == before


def test_only_the_right_person_may_take_each_step(app, db, company, make_user):
    other_head = make_user("otherhead", roles=["department_head"])
    claim = draft(db, company.rep, line(company.travel))
    with pytest.raises(NotPermitted):
        transition(db.session, claim, company.rep2, "submit")  # not the claimant
    transition(db.session, claim, company.rep, "submit")
    for intruder in (company.rep, other_head, company.finance, company.boss):
        with pytest.raises(NotPermitted):
            transition(db.session, claim, intruder, "approve")
    transition(db.session, claim, company.head, "approve")
    for intruder in (company.head, company.rep, other_head):
        with pytest.raises(NotPermitted):
            transition(db.session, claim, intruder, "finance_approve")
    assert allowed_actions(claim, company.finance) == ["finance_approve", "finance_return",
                                                                "finance_reject"]


def test_a_heads_own_claim_goes_to_their_superior_and_nobody_approves_their_own(app, db, company):
    claim = draft(db, company.head, line(company.travel))
    transition(db.session, claim, company.head, "submit")
    assert claim.approver_id == company.boss.id
    with pytest.raises(NotPermitted):
        transition(db.session, claim, company.head, "approve")
    transition(db.session, claim, company.boss, "approve")
    db.session.commit()
    # finance staff do not re-review or pay their own claims either
    own = draft(db, company.finance, line(company.office, invoice="F-1"))
    from core.extensions import db as database

    company.finance.superior_id = company.boss.id
    database.session.commit()
    transition(db.session, own, company.finance, "submit")
    transition(db.session, own, company.boss, "approve")
    with pytest.raises(NotPermitted):
        transition(db.session, own, company.finance, "finance_approve")
    transition(db.session, own, company.finance2, "finance_approve")
    with pytest.raises(NotPermitted):
        transition(db.session, own, company.finance, "pay", payment=pay_input())


def test_nobody_to_review_is_a_clear_refusal(app, db, company, make_user):
    loner = make_user("loner", roles=["sales_rep"])
    claim = draft(db, loner, line(company.travel))
    with pytest.raises(InvalidInput) as refused:
        transition(db.session, claim, loner, "submit")
    assert "approver" in refused.value.errors


@pytest.mark.parametrize("action", ["return", "reject"])
def test_returning_or_rejecting_needs_a_reason(app, db, company, action):
    claim = draft(db, company.rep, line(company.travel))
    transition(db.session, claim, company.rep, "submit")
    with pytest.raises(InvalidInput) as refused:
        transition(db.session, claim, company.head, action, reason="  ")
    assert "reason" in refused.value.errors
    transition(db.session, claim, company.head, action, reason="Missing the taxi receipt")
    assert claim.state == (RETURNED if action == "return" else REJECTED)
    assert claim.events[-1].reason == "Missing the taxi receipt"


@pytest.mark.parametrize("stage", ["submitted", "approved", "paid", "rejected"])
def test_a_submitted_approved_paid_or_rejected_claim_cannot_be_edited(app, db, company, stage):
    claim = draft(db, company.rep, line(company.travel))
    transition(db.session, claim, company.rep, "submit")
    if stage in ("approved", "paid"):
        transition(db.session, claim, company.head, "approve")
    if stage == "paid":
        transition(db.session, claim, company.finance, "finance_approve")
        transition(db.session, claim, company.finance, "pay", payment=pay_input())
    if stage == "rejected":
        transition(db.session, claim, company.head, "reject", reason="No")
    db.session.commit()
    with pytest.raises(TransitionRefused) as refused:
        update_claim(db.session, claim, company.rep, "Changed", [line(company.travel, "1.00", "X")])
    assert refused.value.code == "not_editable"
    with pytest.raises(TransitionRefused):
        add_receipt(db.session, claim, claim.lines[0], company.rep, Upload("x.png", PNG))


def test_a_returned_claim_is_changed_and_resubmitted_with_the_history_kept(app, db, company):
    claim = draft(db, company.rep, line(company.travel, "300.00", "R-1"))
    transition(db.session, claim, company.rep, "submit")
    transition(db.session, claim, company.finance if False else company.head, "return",
                        reason="The amount does not match the invoice")
    db.session.commit()
    first = claim.lines[0]
    update_claim(db.session, claim, company.rep, "Trip", [
        line(company.travel, "280.00", "R-1", line_id=first.id),
        line(company.office, "20.00", "R-2")], {1: [Upload("second.pdf", PDF)]})
    transition(db.session, claim, company.rep, "submit")
    db.session.commit()
    assert claim.state == SUBMITTED and claim.total == Decimal("300.00")
    edited = [e for e in claim.events if e.action == "edited"]
    assert len(edited) == 1
    changes = json.loads(edited[0].details)["changes"]
    changed = next(c for c in changes if c["field"] == "changed")
    assert changed["old"]["amount"] == "300.00" and changed["new"]["amount"] == "280.00"
    assert any(c["field"] == "added" for c in changes)
    assert [e.action for e in claim.events] == ["submit", "return", "edited", "submit"]


@pytest.mark.parametrize("amount", ["0", "0.00", "-5.00", "12.345", "abc", "", "NaN", "Infinity", "50000.01", 1.5,
                                    "1e309", "1e-309"])
def test_zero_negative_inexact_or_absurd_amounts_are_refused(app, db, company, amount):
    with pytest.raises(InvalidInput) as refused:
        create_claim(db.session, company.rep, "Trip", [line(company.travel, amount)])
    assert "lines.0.amount" in refused.value.errors
    db.session.rollback()
    from sqlalchemy import func, select

    from plugins.expenses.models import Claim

    assert db.session.scalar(select(func.count(Claim.id))) == 0  # nothing half-saved


def test_the_ceiling_is_a_setting(app, db, company):
    from core.settings import set_setting

    set_setting("expenses.amount_ceiling", "100.00")
    db.session.commit()
    with pytest.raises(InvalidInput):
        create_claim(db.session, company.rep, "Trip", [line(company.travel, "100.01")])
    db.session.rollback()
    claim = draft(db, company.rep, line(company.travel, "100.00"))
    assert claim.total == Decimal("100.00")


def test_amounts_are_exact_to_the_fen(app, db, company):
    claim = draft(db, company.rep, *[line(company.office, "0.10", f"N{i}") for i in range(3)])
    db.session.expire_all()
    assert claim.total == Decimal("0.30")
    assert sum(line.amount for line in claim.lines) == Decimal("0.30")


def test_an_invoice_is_never_claimed_twice_until_its_claim_is_rejected(app, db, company):
    first = draft(db, company.rep, line(company.travel, invoice="1234 5678"))
    with pytest.raises(InvalidInput) as refused:
        create_claim(db.session, company.rep2, "Again", [line(company.travel, invoice="12345678")])
    assert "lines.0.invoice_number" in refused.value.errors
    db.session.rollback()
    with pytest.raises(InvalidInput) as twice:  # and not twice on one claim
        create_claim(db.session, company.rep2, "Twice", [line(company.travel, invoice="Z-9"),
                                                                  line(company.office, invoice="z9")])
    assert "lines.1.invoice_number" in twice.value.errors
    db.session.rollback()
    transition(db.session, first, company.rep, "submit")
    transition(db.session, first, company.head, "reject", reason="Wrong trip")
    db.session.commit()
    again = draft(db, company.rep2, line(company.travel, invoice="12345678"))
    assert again.lines[0].invoice_key == "12345678"


def test_the_database_refuses_a_duplicate_invoice_that_slips_past_the_check(app, db, company):
    from sqlalchemy.exc import IntegrityError

    from plugins.expenses.models import Claim, ClaimLine

    draft(db, company.rep, line(company.travel, invoice="DUP"))
    claim = Claim(title="x", claimant_id=company.rep2.id, state="draft")
    db.session.add(claim)
    db.session.flush()
    db.session.add(ClaimLine(claim_id=claim.id, expense_date=claim.created_at.date(), category_id=company.travel.id,
                             amount=Decimal("1.00"), description="x", invoice_number="DUP", invoice_key="DUP"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_receipts_are_images_or_pdfs_within_the_size_limit(app, db, company):
    from core.settings import set_setting

    for name, data in (("notes.txt", b"hello"), ("evil.png", b"<script>alert(1)</script>"), ("empty.png", b"")):
        with pytest.raises(InvalidInput) as refused:
            create_claim(db.session, company.rep, "T", [line(company.travel)],
                                  {0: [Upload(name, data)]})
        assert "lines.0.receipt" in refused.value.errors
        db.session.rollback()
    set_setting("expenses.receipt_max_kb", 1)
    db.session.commit()
    with pytest.raises(InvalidInput):
        create_claim(db.session, company.rep, "T", [line(company.travel)],
                              {0: [Upload("big.pdf", PDF + b"0" * 2048)]})
    db.session.rollback()
    set_setting("expenses.receipt_max_kb", 10240)
    claim = draft(db, company.rep, line(company.travel))
    receipt = claim.lines[0].receipts[0]
    assert receipt.content_type == "image/png" and receipt.content == PNG


def test_every_line_needs_its_receipt_before_submission(app, db, company):
    claim = draft(db, company.rep, line(company.travel, invoice="A"), line(company.travel, invoice="B"),
                  receipts=False)
    add_receipt(db.session, claim, claim.lines[0], company.rep, Upload("a.png", PNG))
    with pytest.raises(InvalidInput) as refused:
        transition(db.session, claim, company.rep, "submit")
    assert "lines.1.receipt" in refused.value.errors
    add_receipt(db.session, claim, claim.lines[1], company.rep, Upload("b.pdf", PDF))
    transition(db.session, claim, company.rep, "submit")
    assert claim.state == SUBMITTED


def test_budget_figures_are_live_and_only_approved_budgets_count(app, db, company):
    year_budget = budget(db, company, company.travel, "1000.00", approve=False)

    def figure():
        return next(f for f in budget_figures(db.session, year_budget.year) if f.budget_id == year_budget.id)

    assert figure().allocated == 0
    approve_budget(db.session, year_budget, company.boss)
    claim = draft(db, company.rep, line(company.travel, "250.00"))
    assert (figure().allocated, figure().committed, figure().spent, figure().remaining) == (
        Decimal("1000.00"), 0, 0, Decimal("1000.00"))
    transition(db.session, claim, company.rep, "submit")
    transition(db.session, claim, company.head, "approve")
    assert (figure().committed, figure().spent, figure().remaining) == (Decimal("250.00"), 0, Decimal("750.00"))
    transition(db.session, claim, company.finance, "finance_approve")
    transition(db.session, claim, company.finance, "pay", payment=pay_input())
    assert (figure().committed, figure().spent, figure().remaining) == (0, Decimal("250.00"), Decimal("750.00"))


def test_a_budgets_monthly_split_must_add_up(app, db, company):
    with pytest.raises(InvalidInput) as refused:
        save_budget(db.session, company.finance, department_id=company.department.id,
                             category_id=company.travel.id, year=2026, amount="1200.00", months=["100"] * 11 + ["99"])
    assert "months" in refused.value.errors
    db.session.rollback()
    saved = save_budget(db.session, company.finance, department_id=company.department.id,
                                 category_id=company.travel.id, year=2026, amount="1200.00", months=["100"] * 12)
    assert [m.amount for m in saved.months] == [Decimal("100.00")] * 12
    with pytest.raises(NotPermitted):
        save_budget(db.session, company.rep, department_id=company.department.id,
                             category_id=company.office.id, year=2026, amount="1")


@pytest.mark.parametrize("amount", ["1e309", "1000000000000", "-1", "Infinity", "12.345"])
def test_a_budget_no_column_can_hold_is_refused_with_a_message(app, db, company, amount):
    """R9.1.2: an annual or monthly amount beyond what a budget holds is a field error, never a 500."""
    for field, kwargs in (("amount", {"amount": amount}), ("months", {"amount": "1200.00", "months": [amount] * 12})):
        with pytest.raises(InvalidInput) as refused:
            save_budget(db.session, company.finance, department_id=company.department.id,
                                 category_id=company.travel.id, year=2026, **kwargs)
        assert any(key.startswith(field) for key in refused.value.errors), refused.value.errors
        db.session.rollback()


def test_over_budget_warns_every_reviewer_under_warn_and_stops_the_claim_under_block(app, db, company):
    budget(db, company, company.travel, "100.00")
    claim = draft(db, company.rep, line(company.travel, "150.00"))
    result = transition(db.session, claim, company.rep, "submit")
    assert claim.over_budget and result.warnings[0].remaining == Decimal("100.00")
    result = transition(db.session, claim, company.head, "approve")  # checked again at each approval
    assert result.warnings and json.loads(claim.events[-1].details)["warnings"]
    db.session.commit()

    company.office.over_budget_policy = "block"
    budget(db, company, company.office, "50.00")
    blocked = draft(db, company.rep, line(company.office, "60.00", "OF-1"))
    with pytest.raises(TransitionRefused) as refused:
        transition(db.session, blocked, company.rep, "submit")
    assert refused.value.code == "over_budget"
    db.session.rollback()
    fits = draft(db, company.rep2, line(company.office, "50.00", "OF-2"))
    transition(db.session, fits, company.rep2, "submit")
    assert not fits.over_budget


def test_paying_twice_is_refused_and_the_claim_paid_event_is_sent(app, db, company, monkeypatch):
    seen = []
    engine = app.extensions["netsales"]
    original = engine.call

    def spy(hook_name, **kwargs):
        if hook_name == "expense_claim_paid":
            seen.append(kwargs["claim"].id)
        return original(hook_name, **kwargs)

    monkeypatch.setattr(engine, "call", spy)
    claim = to_paid(db, company, draft(db, company.rep, line(company.travel)))
    assert seen == [claim.id]
    with pytest.raises(TransitionRefused):
        transition(db.session, claim, company.finance2, "pay", payment=pay_input())
    from sqlalchemy import func, select

    assert db.session.scalar(select(func.count(Payment.id))) == 1


def test_a_payment_needs_a_date_not_in_the_future_and_a_known_method(app, db, company):
    from datetime import timedelta

    claim = draft(db, company.rep, line(company.travel))
    for user, action in ((company.rep, "submit"), (company.head, "approve"), (company.finance, "finance_approve")):
        transition(db.session, claim, user, action)
    db.session.commit()
    with pytest.raises(InvalidInput) as refused:
        transition(db.session, claim, company.finance, "pay", payment=PaymentInput(
            local_today() + timedelta(days=3), "gold bars"))
    assert {"paid_on", "method"} <= set(refused.value.errors)
    assert claim.state == FINANCE_APPROVED


def test_batch_payment_pays_all_or_none(app, db, company):
    claims = []
    for number in range(3):
        claim = draft(db, company.rep, line(company.travel, invoice=f"B{number}"))
        for user, action in ((company.rep, "submit"), (company.head, "approve")):
            transition(db.session, claim, user, action)
        if number < 2:
            transition(db.session, claim, company.finance, "finance_approve")
        claims.append(claim)
    db.session.commit()
    with pytest.raises(TransitionRefused):
        pay_batch(db.session, claims, company.finance, pay_input())  # the third is not approved yet
    db.session.rollback()
    assert [c.state for c in claims] == [FINANCE_APPROVED, FINANCE_APPROVED, DEPT_APPROVED]
    pay_batch(db.session, claims[:2], company.finance, pay_input())
    db.session.commit()
    assert [c.state for c in claims[:2]] == [PAID, PAID]
    assert claims[0].payment.batch == claims[1].payment.batch is not None
