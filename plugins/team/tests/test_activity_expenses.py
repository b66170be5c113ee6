"""A team activity's cost and expense claims (R8.1.1, R9.2.1): the activity declares itself claimable and its page
shows whatever the enabled modules offer for it (smart buttons); without the expenses module nothing is shown and
nothing fails; with it, "File an expense claim" and the claims' count appear."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from core.timeutil import utcnow
from plugins.team.models import Activity
from plugins.team.services import activities


@pytest.fixture
def dinner(db, people):
    activity = activities.create_activity(db.session, people["hr"], title="季度聚餐", kind="dinner",
                                          starts_at=utcnow() + timedelta(days=7), location="川菜馆", capacity=20,
                                          cost=Decimal("1800.00"))
    db.session.commit()
    return activity


def test_an_activity_is_claimable_and_without_expenses_its_page_shows_no_buttons(app, db, people, login_as, dinner,
                                                                               disable_plugin):
    assert Activity.__expense_claimable__ is True
    disable_plugin("expenses")
    page = login_as(people["rep"], on=app.test_client()).get(f"/team/activities/{dinner.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "季度聚餐" in html and "smart-buttons" not in html


def test_with_expenses_the_page_offers_a_claim_for_the_activity_and_counts_its_claims(app, db, people, login_as,
                                                                                    dinner, enable_plugin):
    """The buttons are the expenses module's (its record_smart_buttons, /work/notes/expenses-api.md); the team module
    only declares the activity claimable and shows them. Filing and paying is tested by the expenses module."""
    import re

    enable_plugin("expenses")
    rep = login_as(people["rep"], on=app.test_client())
    html = rep.get(f"/team/activities/{dinner.id}").get_data(as_text=True)
    nav = html[html.index('class="smart-buttons"'):]
    nav = nav[:nav.index("</nav>")]
    file_claim = re.search(r'href="([^"]+)" data-key="expenses.file_claim"', nav)
    assert file_claim and file_claim.group(1).replace("&amp;", "&") == \
        f"/expenses/claims/new?for=team_activity:{dinner.id}"
    assert "报销" in nav  # labelled for the reader, in Chinese
    counted = re.search(r'data-key="expenses.source_claims">.*?<strong class="smart-count">(\d+)</strong>', nav, re.S)
    assert counted and counted.group(1) == "0"
    form = rep.get(f"/expenses/claims/new?for=team_activity:{dinner.id}")
    assert form.status_code == 200 and "季度聚餐" in form.get_data(as_text=True)
