"""Amounts as a reader sees them (issue 12): through the core's locale-aware money(), an overrun as "over by"."""

from __future__ import annotations

from decimal import Decimal

import pytest


@pytest.mark.parametrize(("value", "shown"), [(Decimal("10"), "¥10.00"), (Decimal("0.5"), "¥0.50"),
                                              (Decimal("1E+1"), "¥10.00"), (Decimal("100"), "¥100.00"),
                                              (Decimal("-921.90"), "超出 ¥921.90"), (None, "—")])
def test_what_is_left_of_a_budget(app, value, shown):
    from plugins.expenses.views.rendering import left

    with app.test_request_context():
        assert left(value) == shown


def test_an_overrun_reads_over_by_in_english(app):
    from flask_babel import force_locale

    from plugins.expenses.views.rendering import left

    with app.test_request_context(), force_locale("en"):
        assert left(Decimal("-921.90")) == "over by CN¥921.90"


def test_claim_pdf_and_notifications_write_amounts_by_the_locale(app, db, company):
    from core.notifications.models import Notification
    from core.notifications.service import render_message
    from plugins.expenses.services.workflow import transition
    from plugins.expenses.tests.conftest import draft, line

    claim = draft(db, company.rep, line(company.travel, amount="1234.50"))
    with app.test_request_context():
        transition(db.session, claim, company.rep, "submit")
        db.session.commit()
        waiting = db.session.query(Notification).filter_by(recipient_id=company.head.id).one()
        assert "¥1,234.50" in render_message(waiting)
        from core.pdf import render_html

        html = render_html("expenses/pdf/claim.html", **_pdf_context(claim))
    assert "¥1,234.50" in html and "1,234.50" in html



def _pdf_context(claim):
    from core.timeutil import utcnow
    from plugins.expenses import platform
    from plugins.expenses.labels import state_label
    from plugins.expenses.services.categories import category_label

    return {"claim": claim, "reviews": [], "now": utcnow(), "capital": "", "state_label": state_label,
            "category_label": category_label, "local": platform.local_datetime, "method_labels": {}}


def test_a_review_request_resolves_itself_when_the_claim_moves_on(app, db, company):
    """Issue 12: the manager had 18 unread "waits for your review" while 2-3 claims waited."""
    from core.notifications.service import unread_count
    from plugins.expenses.services.workflow import transition
    from plugins.expenses.tests.conftest import draft, line

    claim = draft(db, company.rep, line(company.travel, amount="80.00"))
    with app.test_request_context():
        transition(db.session, claim, company.rep, "submit")
        db.session.commit()
        assert unread_count(company.head) == 1
        transition(db.session, claim, company.head, "approve")
        db.session.commit()
        assert unread_count(company.head) == 0  # done: the claim moved on to finance
        assert unread_count(company.finance) == 1


def test_an_over_budget_refusal_says_how_far_over_never_a_negative_amount(app, db, company):
    """Issue 12 ("¥-921.90"): the block policy's refusal and the reviewers' warning name an overrun as such."""
    from flask_babel import force_locale

    from plugins.expenses.services.budgets import budget_room
    from plugins.expenses.services.categories import save_category
    from plugins.expenses.services.common import TransitionRefused
    from plugins.expenses.services.workflow import transition
    from plugins.expenses.tests.conftest import budget, draft, line

    save_category(db.session, code=company.travel.code, name=company.travel.name, policy="block",
                  category=company.travel)
    budget(db, company, company.travel, "100.00")
    db.session.commit()
    with app.test_request_context(), force_locale("en"):
        assert budget_room(Decimal("-921.90")) == "already over by CN¥921.90"
        assert budget_room(Decimal("100")) == "CN¥100.00 left"
        claim = draft(db, company.rep, line(company.travel, "150.00", "OVER-1"))
        with pytest.raises(TransitionRefused) as refused:
            transition(db.session, claim, company.rep, "submit")
        assert "CN¥100.00 left, this claim needs CN¥150.00" in refused.value.message
        assert "-" not in refused.value.message.split(":", 2)[2]
