"""Claims filed for the cost of another record (issue 17), and the smart buttons (issue 12 record hubs): a record
that declares ``__expense_claimable__`` (the team activity) gets "File an expense claim" and its claims' count; the
new-claim form takes ``for=`` only for such a record the user may see; the claim links back; the record's timeline
lists its claims' submission and payment. A person's page counts the claims the viewer may see."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.contracts import SmartButton
from core.timeutil import local_today, utcnow
from plugins.expenses.models import Claim
from plugins.expenses.services.workflow import transition
from plugins.expenses.tests.conftest import PNG, budget, line, pay_input

team_models = pytest.importorskip("plugins.team.models")


@pytest.fixture
def activity(app, db, company):
    if not app.extensions["netsales"].is_active("team"):
        pytest.skip("the team plugin is not enabled")
    assert team_models.Activity.__expense_claimable__ is True
    found = team_models.Activity(title="Spring hike", starts_at=utcnow() + timedelta(days=3), cost=Decimal("800"),
                                 organizer_id=company.head.id)
    db.session.add(found)
    db.session.commit()
    return found


def _buttons(app, obj, user) -> dict[str, SmartButton]:
    with app.test_request_context():
        found = app.extensions["netsales"].collect("record_smart_buttons", SmartButton, only="expenses", obj=obj,
                                                   user=user)
        return {b.key: b for b in found}


def test_a_claim_is_filed_for_an_activity_and_links_both_ways(app, db, company, client, login_as, activity):
    login_as(company.rep)
    buttons = _buttons(app, activity, company.rep)
    action = buttons["expenses.file_claim"]
    assert action.count is None and action.url == f"/expenses/claims/new?for=team_activity:{activity.id}"
    record_page = client.get(f"/team/activities/{activity.id}").get_data(as_text=True)
    assert f'href="{action.url}"' in record_page  # the team's page shows the action through the shared partial
    form = client.get(action.url).get_data(as_text=True)
    assert "Spring hike" in form and f'href="/team/activities/{activity.id}"' in form  # prefilled, linked back

    response = client.post(action.url, data={
        "title": "Hike bus", "lines-0-expense_date": (local_today() - timedelta(days=1)).isoformat(),
        "lines-0-category_id": str(company.travel.id),
        "lines-0-amount": "300.00", "lines-0-description": "Bus hire", "lines-0-invoice_number": "HIKE-1",
        "lines-0-receipt": (_png(), "bus.png")}, content_type="multipart/form-data")
    assert response.status_code == 302
    claim = db.session.scalar(select(Claim).where(Claim.title == "Hike bus"))
    assert (claim.source_type, claim.source_id) == ("team_activity", activity.id)
    assert client.get(f"/api/v1/expenses/claims/{claim.id}").get_json()["source"] == f"team_activity:{activity.id}"
    for page in (f"/expenses/claims/{claim.id}", f"/expenses/claims/{claim.id}/edit"):
        html = client.get(page).get_data(as_text=True)
        assert f'href="/team/activities/{activity.id}"' in html and "Spring hike" in html, page

    # The record's count and the list it opens hold exactly this claim.
    count = _buttons(app, activity, company.rep)["expenses.source_claims"]
    assert count.count == 1 and count.url == f"/expenses/?source=team_activity:{activity.id}"
    listed = client.get(count.url).get_data(as_text=True)
    assert claim.number in listed
    other = _claim(db, company, "Other", "OTHER-1")
    assert other.number not in listed


def _png():
    import io

    return io.BytesIO(PNG)


def _claim(db, company, title, invoice, source=None):
    from plugins.expenses.services.claims import create_claim
    from plugins.expenses.services.receipts import Upload

    claim = create_claim(db.session, company.rep, title, [line(company.travel, "50.00", invoice)],
                         {0: [Upload("r.png", PNG)]}, source=source)
    db.session.commit()
    return claim


def test_for_is_refused_for_a_record_the_user_may_not_see_or_that_takes_no_claims(app, db, company, client,
                                                                                  login_as, activity, make_user):
    from core.identity.models import Grant, Role

    role = Role(code="claims_only", name="Claims only", grants=[
        Grant(permission_code="expenses.claim.create", scope="all"),
        Grant(permission_code="expenses.claim.view", scope="own")])
    db.session.add(role)
    db.session.commit()
    outsider = make_user("outsider", roles=["claims_only"])
    login_as(outsider)
    assert client.get(f"/expenses/claims/new?for=team_activity:{activity.id}").status_code == 404
    assert client.get("/expenses/claims/new").status_code == 200  # an ordinary claim still can be filed
    login_as(company.rep)
    for bad in (f"core_user:{company.rep.id}", "team_activity:999999", "team_activity:x", "nothing"):
        assert client.get(f"/expenses/claims/new?for={bad}").status_code == 404, bad
    response = client.post(f"/expenses/claims/new?for=core_user:{company.rep.id}", data={"title": "x"})
    assert response.status_code == 404
    assert db.session.scalar(select(Claim).where(Claim.source_type == "core_user")) is None


def test_counts_and_timeline_show_only_the_claims_the_viewer_may_see(app, db, company, activity):
    from core.timeline import timeline_for

    budget(db, company, company.travel, "5000")
    mine = _claim(db, company, "Hike bus", "HIKE-1", source=("team_activity", activity.id))
    transition(db.session, mine, company.rep, "submit")
    transition(db.session, mine, company.head, "approve")
    transition(db.session, mine, company.finance, "finance_approve")
    transition(db.session, mine, company.finance, "pay", payment=pay_input())
    db.session.commit()

    rep_count = _buttons(app, activity, company.rep)["expenses.source_claims"]
    assert rep_count.count == 1 and rep_count.figure  # the amount, formatted for the reader
    assert _buttons(app, activity, company.rep2)["expenses.source_claims"].count == 0  # another rep's claim
    assert _buttons(app, activity, company.finance)["expenses.source_claims"].count == 1

    with app.test_request_context():
        for viewer, expected in ((company.rep, 2), (company.rep2, 0)):
            items = [i for i in timeline_for(activity, user=viewer).items if i.kind == "expenses-claim"]
            assert len(items) == expected
            assert all(mine.number in i.text and i.url == f"/expenses/claims/{mine.id}" for i in items)


def test_a_persons_claims_count_is_what_the_viewer_may_see(app, db, company, count_queries):
    _claim(db, company, "A", "P-1")
    _claim(db, company, "B", "P-2")
    db.session.expire_all()
    finance = db.session.get(type(company.finance), company.finance.id)
    _buttons(app, company.rep, finance)  # the viewer's grants are loaded once per request, as on a page
    with count_queries() as statements, app.test_request_context():
        from plugins.expenses.smart_buttons import person_buttons

        person_buttons(company.rep, finance)
    assert len([s for s in statements if "expenses_claim" in s]) == 1  # one aggregate statement
    assert _buttons(app, company.rep, company.rep)["expenses.claims"].count == 2
    assert _buttons(app, company.rep, company.finance)["expenses.claims"].count == 2  # finance: all claims
    assert "expenses.claims" in _buttons(app, company.rep, company.rep2)  # may view claims, none of these
    assert _buttons(app, company.rep, company.rep2)["expenses.claims"].count == 0
    assert _buttons(app, company.rep, company.rep)["expenses.claims"].url == f"/expenses/?claimant={company.rep.id}"
