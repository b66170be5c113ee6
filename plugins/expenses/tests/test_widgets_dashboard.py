"""The expenses dashboard by role (issue 12): everyone sees their own claims; reviewers see what waits for them —
first thing on a department head's page (R9.2.2) and on finance's (R9.2.3); representatives get no empty queue."""

from __future__ import annotations

import re

from plugins.expenses.services.workflow import transition
from plugins.expenses.tests.conftest import draft, line


def _keys(user) -> list[str]:
    from plugins.expenses.widgets import dashboard_widgets

    return [w.key for w in dashboard_widgets(user)]


def test_widgets_by_role(app, company):
    assert _keys(company.rep) == ["expenses.my_claims"]
    assert _keys(company.head) == ["expenses.my_claims", "expenses.waiting", "expenses.budget_use"]  # heads Sales
    assert _keys(company.finance) == ["expenses.my_claims", "expenses.waiting", "expenses.budget_use"]
    assert "expenses.waiting" in _keys(company.boss)  # the head reports to them: late reviews show there


def _widget_keys_in_order(html: str) -> list[str]:
    return re.findall(r'<section class="card widget" id="widget-([\w-]+)"', html)


def test_the_head_finds_the_claims_to_review_first(app, db, client, login_as, company):
    claim = draft(db, company.rep, line(company.travel, "320.00"), title="杭州客户拜访")
    transition(db.session, claim, company.rep, "submit")
    db.session.commit()
    login_as(company.head)
    html = client.get("/").get_data(as_text=True)
    assert _widget_keys_in_order(html)[0] == "expenses-waiting"
    first = html[html.index('id="widget-expenses-waiting"'):]
    first = first[:first.index("</section>")]
    assert "1 张报销单等待您审核" in first and claim.number in first

    login_as(company.rep)
    html = client.get("/").get_data(as_text=True)
    assert 'id="widget-expenses-waiting"' not in html and "没有等待您处理的报销单" not in html


def test_budget_lines_to_approve_wait_with_the_claims(app, db, client, login_as, company):
    """R9.1.2: a draft budget line counts once approved; the approvers find it with the claims waiting for them."""
    from core.timeutil import local_today
    from plugins.expenses.tests.conftest import budget
    from plugins.expenses.widgets import waiting_for_me

    budget(db, company, company.travel, "5000.00", approve=False)
    budget(db, company, company.office, "800.00", approve=True)
    with app.test_request_context("/"):
        assert waiting_for_me(company.head)["budgets_count"] == 1
        assert waiting_for_me(company.rep)["budgets_count"] == 0  # no approver
    login_as(company.head)
    html = client.get("/").get_data(as_text=True)
    section = html[html.index('id="widget-expenses-waiting"'):]
    section = section[:section.index("</section>")]
    assert "state=draft" in section and f"year={local_today().year}" in section
