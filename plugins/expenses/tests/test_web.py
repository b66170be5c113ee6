"""The pages and the JSON API: scoping, refusals with clear messages, receipts, fixed query counts."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from plugins.expenses import platform
from plugins.expenses.labels import state_label
from plugins.expenses.services.workflow import transition
from plugins.expenses.tests.conftest import PNG, draft, line, to_paid


def test_a_representative_sees_only_their_own_claims_and_gets_404_for_others(app, db, company, client, login_as):
    mine = draft(db, company.rep, line(company.travel, invoice="M1"), title="My trip")
    other = draft(db, company.rep2, line(company.travel, invoice="O1"), title="Their trip")
    login_as(company.rep)
    page = client.get("/expenses/").get_data(as_text=True)
    assert mine.number in page and other.number not in page
    assert client.get(f"/expenses/claims/{other.id}").status_code == 404
    receipt = other.lines[0].receipts[0]
    assert client.get(f"/expenses/receipts/{receipt.id}").status_code == 404
    assert client.get(f"/api/v1/expenses/claims/{other.id}").status_code == 404
    own = client.get(f"/expenses/receipts/{mine.lines[0].receipts[0].id}")
    assert own.status_code == 200 and own.data == PNG and own.mimetype == "image/png"


def test_the_reviewer_and_finance_see_the_claim_and_its_receipts(app, db, company, make_app, login_as):
    claim = draft(db, company.rep, line(company.travel))
    transition(db.session, claim, company.rep, "submit")
    db.session.commit()
    receipt_id = claim.lines[0].receipts[0].id
    for user in (company.head, company.boss):  # the head reviews; the manager sees all
        client = login_as(user, on=app.test_client())
        assert client.get(f"/expenses/receipts/{receipt_id}").status_code == 200
    transition(db.session, claim, company.head, "approve")
    db.session.commit()
    client = login_as(company.finance, on=app.test_client())
    assert client.get(f"/expenses/claims/{claim.id}").status_code == 200
    assert client.get(f"/expenses/receipts/{receipt_id}").status_code == 200


def test_a_claim_is_filed_with_two_receipts_through_the_form(app, db, company, client, login_as):
    from sqlalchemy import select

    from plugins.expenses.models import Claim

    login_as(company.rep)
    today = platform.local_today().isoformat()
    form = {"title": "Customer visit", "lines-0-expense_date": today, "lines-0-category_id": str(company.travel.id),
            "lines-0-amount": "88.80", "lines-0-description": "Train", "lines-0-invoice_number": "T-1",
            "lines-1-expense_date": today, "lines-1-category_id": str(company.office.id),
            "lines-1-amount": "11.20", "lines-1-description": "Pens", "lines-1-invoice_number": "T-2"}
    # "Add a line" changes the form only
    added = client.post("/expenses/claims/new", data={**form, "add_line": "1"})
    assert added.status_code == 200 and 'name="lines-2-amount"' in added.get_data(as_text=True)
    bad = client.post("/expenses/claims/new", data={**form, "lines-1-amount": "-3"})
    assert bad.status_code == 200 and "field-error" in bad.get_data(as_text=True)
    assert db.session.scalar(select(Claim.id)) is None
    data = {**form, "submit_claim": "1",
            "lines-0-receipt": (io.BytesIO(PNG), "train.png"), "lines-1-receipt": (io.BytesIO(PNG), "pens.png")}
    response = client.post("/expenses/claims/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    claim = db.session.scalar(select(Claim))
    assert claim.state == "submitted" and claim.total == Decimal("100.00")
    assert [len(line.receipts) for line in claim.lines] == [1, 1]


def test_a_wrong_step_in_the_browser_is_refused_with_a_message(app, db, company, client, login_as):
    claim = draft(db, company.rep, line(company.travel))
    login_as(company.finance)
    transition(db.session, claim, company.rep, "submit")
    db.session.commit()
    page = client.post(f"/expenses/claims/{claim.id}/act/finance_approve", follow_redirects=True)
    assert page.status_code == 200 and "flash-error" in page.get_data(as_text=True)
    db.session.expire_all()
    assert claim.state == "submitted"


def test_the_api_refuses_wrong_state_and_wrong_person_with_its_error_format(app, db, company, client, login_as):
    claim = draft(db, company.rep, line(company.travel))
    login_as(company.head)
    response = client.post(f"/api/v1/expenses/claims/{claim.id}/transitions", json={"action": "approve"})
    assert response.status_code == 409  # the head sees the team's draft but cannot approve it yet
    transition(db.session, claim, company.rep, "submit")
    db.session.commit()
    response = client.post(f"/api/v1/expenses/claims/{claim.id}/transitions", json={"action": "pay"})
    assert response.status_code == 409 and response.get_json()["error"]["message"]
    response = client.post(f"/api/v1/expenses/claims/{claim.id}/transitions", json={"action": "return"})
    assert response.status_code == 422 and "reason" in response.get_json()["error"]["fields"]
    finance = login_as(company.finance, on=app.test_client())
    transition(db.session, claim, company.head, "approve")
    db.session.commit()
    rep = login_as(company.rep, on=app.test_client())
    response = rep.post(f"/api/v1/expenses/claims/{claim.id}/transitions", json={"action": "finance_approve"})
    assert response.status_code == 403
    response = finance.post(f"/api/v1/expenses/claims/{claim.id}/transitions", json={"action": "finance_approve"})
    assert response.status_code == 200 and response.get_json()["state"] == "finance_approved"


def test_the_api_creates_claims_with_exact_amounts_and_refuses_bad_ones(app, db, company, client, login_as):
    login_as(company.rep)
    today = platform.local_today().isoformat()
    body = {"title": "API", "lines": [{"expense_date": today, "category_id": company.travel.id, "amount": "0.10",
                                       "description": "x", "invoice_number": "API-1"}]}
    created = client.post("/api/v1/expenses/claims", json=body)
    assert created.status_code == 201 and created.get_json()["total"] == "0.10"
    body["lines"][0].update(amount="-1", invoice_number="API-2")
    refused = client.post("/api/v1/expenses/claims", json=body)
    assert refused.status_code == 422 and "lines.0.amount" in refused.get_json()["error"]["fields"]


def _many_claims(db, company, count):
    claims = []
    for number in range(count):
        claim = draft(db, company.rep, line(company.travel, invoice=f"P{number}"))
        transition(db.session, claim, company.rep, "submit")
        claims.append(claim)
    db.session.commit()
    return claims


def _rows(db, company, url, user, count, offset):
    """``count`` more rows of what ``url`` lists, filed by two claimants in turn (one of them ``user``'s own for the
    representative's list)."""
    from core.identity.models import Department
    from plugins.expenses.tests.conftest import budget

    for number in range(offset, offset + count):
        if url.startswith("/expenses/budgets"):
            department = Department(name=f"Dept {number}")
            db.session.add(department)
            db.session.flush()
            company.department = department
            budget(db, company, company.travel, "1000")
            continue
        claimant = company.rep if user == "rep" or number % 2 else company.rep2
        claim = draft(db, claimant, line(company.travel, invoice=f"Q{number}"))
        if url.startswith(("/expenses/review", "/expenses/finance")) or "state=submitted" in url:
            transition(db.session, claim, claimant, "submit")
        if url.startswith("/expenses/finance"):
            transition(db.session, claim, company.head, "approve")
        if "stage=pay" in url:
            transition(db.session, claim, company.finance2, "finance_approve")
    db.session.commit()


# Every queue, the claim list (own, team, all, filtered, a later page) and the budget page (issue 7 "Performance").
FIXED_QUERY_PAGES = [
    ("/expenses/", "rep"), ("/expenses/", "head"), ("/expenses/", "boss"),
    ("/expenses/?state=submitted&sort=-total", "boss"), ("/expenses/?per_page=2&page=2&sort=number", "boss"),
    ("/expenses/review", "head"),
    ("/expenses/finance?stage=review", "finance"), ("/expenses/finance?stage=pay", "finance"),
    ("/expenses/budgets", "finance"), ("/expenses/budgets?sort=-remaining&state=approved", "boss"),
]


@pytest.mark.parametrize("url, user", FIXED_QUERY_PAGES)
def test_lists_make_a_fixed_number_of_queries_whatever_the_row_count(app, db, company, login_as, count_queries,
                                                                      url, user):
    client = login_as(getattr(company, user), on=app.test_client())

    def render() -> tuple[int, int]:
        client.get(url)  # warm caches (plugin state, translations)
        with count_queries() as statements:
            page = client.get(url)
        assert page.status_code == 200
        return len(statements), page.get_data(as_text=True).count("<tr")

    _rows(db, company, url, user, 1, 0)
    few, rows_few = render()
    _rows(db, company, url, user, 6, 1)
    many, rows_many = render()
    assert rows_many > rows_few  # the larger list really shows more rows
    assert many == few


def test_list_rows_escape_what_users_typed(app, db, company, client, login_as):
    # The claim tables' rows are drawn in Python (rendering.claim_table_rows), not by Jinja's autoescape.
    claim = draft(db, company.rep, line(company.travel, invoice="X1"), title='<b>"Trip" & co</b>')
    transition(db.session, claim, company.rep, "submit")
    claim.over_budget = True
    db.session.commit()
    for user, url in ((company.rep, "/expenses/"), (company.head, "/expenses/review")):
        login_as(user)
        page = client.get(url).get_data(as_text=True)
        assert "&lt;b&gt;&#34;Trip&#34; &amp; co&lt;/b&gt;" in page and '<b>"Trip"' not in page
        assert 'class="expenses-warning-tag"' in page and f'href="/expenses/claims/{claim.id}"' in page


def test_list_rows_show_dates_and_states_as_the_core_filters_do(app, db, company, client, login_as):
    from flask_babel import format_datetime

    claim = draft(db, company.rep, line(company.travel, invoice="D1"))
    transition(db.session, claim, company.rep, "submit")
    db.session.commit()
    for user, url, moment in ((company.rep, "/expenses/", claim.created_at),
                              (company.head, "/expenses/review", claim.submitted_at)):
        login_as(user)
        page = client.get(url).get_data(as_text=True)
        with app.test_request_context():
            expected = format_datetime(moment, "short")  # babel's own, in the company time zone
        assert expected and expected in page
        assert f'href="/expenses/claims/{claim.id}"' in page
    assert state_label("submitted") in client.get("/expenses/?state=submitted").get_data(as_text=True)
    from plugins.expenses.tests.conftest import budget

    approved, draft_line = budget(db, company, company.travel, "10"), budget(db, company, company.office, "5", False)
    login_as(company.finance)  # may set budgets but not approve them
    page = client.get("/expenses/budgets").get_data(as_text=True)
    assert f'href="/expenses/budgets/{draft_line.id}/edit"' in page and "/reopen" not in page
    login_as(company.boss)  # may set and approve
    page = client.get("/expenses/budgets").get_data(as_text=True)
    assert f'action="/expenses/budgets/{approved.id}/reopen"' in page
    assert f'action="/expenses/budgets/{draft_line.id}/approve"' in page


def test_the_printable_claim_form_is_chinese_with_capitals(app, db, company, client, login_as):
    pypdf = pytest.importorskip("pypdf")
    claim = to_paid(db, company, draft(db, company.rep, line(company.travel, "1234.56")))
    login_as(company.rep)
    response = client.get(f"/expenses/claims/{claim.id}/print.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.data)).pages)
    assert "报销单" in text and "壹仟贰佰叁拾肆元伍角陆分" in text and "财务复审" in text


def test_batch_payment_from_the_finance_page(app, db, company, client, login_as):
    claims = _many_claims(db, company, 2)
    for claim in claims:
        transition(db.session, claim, company.head, "approve")
        transition(db.session, claim, company.finance, "finance_approve")
    db.session.commit()
    login_as(company.finance2)
    response = client.post("/expenses/finance/pay", data={
        "ids": [str(c.id) for c in claims], "paid_on": platform.local_today().isoformat(),
        "method": "bank_transfer", "reference": "BATCH-1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [c.state for c in claims] == ["paid", "paid"]


def test_odd_numbers_from_the_browser_change_nothing_and_break_nothing(app, db, company, client, login_as):
    """"²" passes str.isdigit() and 20 digits overflow the driver: neither may answer 500 or pay anything."""
    from plugins.expenses.models import Claim

    claims = _many_claims(db, company, 1)
    login_as(company.finance2)
    response = client.post("/expenses/finance/pay", data={
        "ids": ["²", "99999999999999999999"], "paid_on": platform.local_today().isoformat(),
        "method": "bank_transfer", "reference": "BATCH-2"})
    assert response.status_code in (200, 302)
    db.session.expire_all()
    assert db.session.get(Claim, claims[0].id).state != "paid"
    login_as(company.rep)
    form = {"title": "Trip", "lines-0-amount": "1.00", "lines-1-amount": "2.00", "remove_line": "²"}
    response = client.post("/expenses/claims/new", data=form)
    assert response.status_code == 200 and 'name="lines-1-amount"' in response.get_data(as_text=True)
