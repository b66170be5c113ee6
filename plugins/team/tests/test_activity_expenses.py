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
