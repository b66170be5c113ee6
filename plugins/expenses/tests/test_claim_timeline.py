"""The claim page carries the shared timeline (issue 12, Odoo's chatter): comments, files, field changes by their
labels, and each step of the review (R9.2.1–R9.2.3) with the reviewer's comment, in the reader's language."""

from __future__ import annotations

from core.timeline import timeline_for
from plugins.expenses.services.claims import update_claim
from plugins.expenses.services.workflow import transition
from plugins.expenses.tests.conftest import budget, draft, line, pay_input

#: What a reader must never see: state codes, action codes, a payment method's code, model and field names.
INTERNALS = ("dept_head_approved", "finance_approved", "finance_approve", "bank_transfer", "ClaimEvent",
             "Payment", "approver_id", "over_budget", "source_type")


def _walk(db, company):
    budget(db, company, company.travel, "5000")
    claim = draft(db, company.rep, line(company.travel, "120.00"), title="Trip")
    transition(db.session, claim, company.rep, "submit")
    transition(db.session, claim, company.head, "return", reason="Add the taxi receipt's date")
    db.session.commit()
    update_claim(db.session, claim, company.rep, "Trip to Hangzhou",
                 [line(company.travel, "120.00", line_id=claim.lines[0].id)])
    transition(db.session, claim, company.rep, "submit")
    transition(db.session, claim, company.head, "approve", reason="Fine")
    transition(db.session, claim, company.finance, "finance_approve")
    transition(db.session, claim, company.finance, "pay", payment=pay_input())
    db.session.commit()
    return claim


def test_each_step_is_a_labelled_entry_with_the_reviewers_comment(app, db, company):
    from flask_babel import force_locale

    claim = _walk(db, company)
    with app.test_request_context(), force_locale("en"):
        items = timeline_for(claim, user=company.rep).items
        texts = [item.text for item in items if item.kind == "expenses-claim"]
        from core.web.locale import money
        from plugins.expenses.labels import method_label

        assert texts == [
            f"Submitted for review ({money(claim.total)})",
            "Returned for changes by the department-level reviewer. Comment: Add the taxi receipt's date",
            "Changed the claim: purpose Trip → Trip to Hangzhou",
            "Submitted again for review",
            "Approved by the department-level reviewer. Comment: Fine",
            "Approved for payment by finance",
            f"Paid {money(claim.total)} on {_day(claim)} by {method_label('bank_transfer')}, reference YH-001",
        ]
        steps = [item for item in items if item.kind == "expenses-claim"]
        assert [s.user.name for s in steps] == ["Rep", "Head", "Rep", "Rep", "Head", "Finance", "Finance"]
        # The audited title change reads by its label, and the state is not repeated as a bare field change.
        changes = [change for item in items if item.kind == "change" for change in item.changes]
        from plugins.expenses.models import Claim

        title = str(Claim.__tracked__["title"])
        assert [(str(label), old, new) for label, old, new in changes] == [(title, "Trip", "Trip to Hangzhou")]


def _day(claim) -> str:
    from core.web.locale import date_filter

    return date_filter(claim.payment.paid_on)


def test_the_claim_page_shows_the_timeline_in_chinese_and_takes_comments(app, db, company, client, login_as):
    claim = _walk(db, company)
    company.rep.locale = "zh_Hans"
    db.session.commit()
    login_as(company.rep)
    page = client.get(f"/expenses/claims/{claim.id}").get_data(as_text=True)
    assert 'id="timeline"' in page
    assert "Fine" in page and "Add the taxi receipt" in page  # the reviewers' comments
    assert "Submitted for review" not in page  # translated, not the English msgid
    for internal in INTERNALS:
        assert internal not in page.split('id="timeline"', 1)[1], internal

    response = client.post(f"/timeline/expenses_claim/{claim.id}/comments", data={"body": "Receipt re-scanned"})
    assert response.status_code == 302
    assert "Receipt re-scanned" in client.get(f"/expenses/claims/{claim.id}").get_data(as_text=True)


def test_nobody_reads_the_steps_of_a_claim_they_may_not_see(app, db, company):
    claim = _walk(db, company)
    with app.test_request_context():
        assert [i for i in timeline_for(claim, user=company.rep2).items if i.kind == "expenses-claim"] == []
