"""The list pages on the core list tools: filters, sorting, exports of the same (scoped) selection, bad input."""

from __future__ import annotations

import io
import re

from plugins.expenses import platform
from plugins.expenses.services.workflow import transition
from plugins.expenses.tests.conftest import budget, draft, line, to_paid


def _csv(response) -> list[list[str]]:
    import csv

    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_claim_list_filters_by_state_and_owner_and_searches(app, db, company, client, login_as):
    mine = draft(db, company.head, line(company.travel, invoice="H1"), title="Head's own trip")
    submitted = draft(db, company.rep, line(company.travel, invoice="R1"), title="Beijing fair")
    transition(db.session, submitted, company.rep, "submit")
    kept = draft(db, company.rep, line(company.office, invoice="R2"), title="Printer paper")
    db.session.commit()
    login_as(company.head)  # the head sees the team's claims and their own (R2 "team")
    everything = client.get("/expenses/").get_data(as_text=True)
    assert all(c.number in everything for c in (mine, submitted, kept))
    only_mine = client.get("/expenses/?mine=1").get_data(as_text=True)
    assert mine.number in only_mine and submitted.number not in only_mine
    waiting = client.get("/expenses/?state=submitted").get_data(as_text=True)
    assert submitted.number in waiting and kept.number not in waiting
    found = client.get("/expenses/?q=beijing").get_data(as_text=True)
    assert submitted.number in found and kept.number not in found


def test_a_bad_filter_value_is_explained_not_an_error(app, db, company, client, login_as):
    draft(db, company.rep, line(company.travel))
    login_as(company.rep)
    response = client.get("/expenses/?state=nonsense&since=yesterday&sort=password")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("field-error") == 2


def test_the_claim_export_holds_the_filtered_selection_and_only_what_the_user_may_see(app, db, company, client,
                                                                                       login_as):
    own = draft(db, company.rep, line(company.travel, "12.30", invoice="E1"), title="Taxi")
    other = draft(db, company.rep2, line(company.travel, invoice="E2"), title="Not mine")
    login_as(company.rep)
    rows = _csv(client.get("/expenses/?export=csv"))
    numbers = [row[0] for row in rows[1:]]
    assert numbers == [own.number] and other.number not in numbers
    assert rows[1][3] == "12.30"
    xlsx = client.get("/expenses/?export=xlsx&state=paid")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get("/expenses/?export=pdf").status_code == 400


def test_budgets_sort_by_what_is_left_and_export_the_live_figures(app, db, company, client, login_as):
    budget(db, company, company.travel, "1000.00")
    budget(db, company, company.office, "50.00")
    to_paid(db, company, draft(db, company.rep, line(company.office, "80.00", invoice="B1")))
    login_as(company.finance)
    page = client.get("/expenses/budgets?sort=remaining").get_data(as_text=True)
    assert page.index("超出 ¥30.00") < page.index("¥1,000.00")  # the line over budget first, "over by"
    assert "¥-30.00" not in page
    rows = _csv(client.get("/expenses/budgets?export=csv&sort=remaining"))
    assert rows[1][4:] == ["50.00", "0.00", "80.00", "-30.00"]
    assert rows[2][-1] == "1000.00"
    only_drafts = client.get("/expenses/budgets?state=draft").get_data(as_text=True)
    assert "empty-state" in only_drafts


def test_the_spend_report_exports_as_a_table(app, db, company, client, login_as):
    budget(db, company, company.travel, "500.00")
    to_paid(db, company, draft(db, company.rep, line(company.travel, "120.00", invoice="S1")))
    login_as(company.finance)
    rows = _csv(client.get("/expenses/reports?export=csv"))
    assert rows[0][:2] and len(rows[0]) == 2 + 12 + 4
    assert rows[1][0] == "Sales" and rows[1][-4:] == ["0.00", "120.00", "500.00", "380.00"]


def test_the_finance_queue_pays_only_the_ticked_claims(app, db, company, client, login_as):
    claims = []
    for number in range(2):
        claim = draft(db, company.rep, line(company.travel, invoice=f"F{number}"))
        for user, action in ((company.rep, "submit"), (company.head, "approve"), (company.finance, "finance_approve")):
            transition(db.session, claim, user, action)
        claims.append(claim)
    db.session.commit()
    login_as(company.finance2)
    page = client.get("/expenses/finance?stage=pay").get_data(as_text=True)
    assert f'name="ids" value="{claims[0].id}"' in page
    today = platform.local_today().isoformat()
    nothing = client.post("/expenses/finance/pay", data={"paid_on": today, "method": "cash"}, follow_redirects=True)
    assert nothing.status_code == 200 and "flash-warning" in nothing.get_data(as_text=True)
    client.post("/expenses/finance/pay", data={"ids": [str(claims[1].id)], "paid_on": today, "method": "cash"})
    db.session.expire_all()
    assert [c.state for c in claims] == ["finance_approved", "paid"]


def _groups(app, user, **args):
    """The grouped page of the claim list as ``user`` sees it: {label: (count, total)} and the totals row."""
    from flask_babel import force_locale

    from plugins.expenses.views.lists import claim_list

    with app.test_request_context(), force_locale("en"):
        page = claim_list(user, args).page(args)
        return ({g.label: (g.count, g.sums["total"], g.url) for g in page.groups},
                (page.group_totals.count, page.group_totals.sums["total"]) if page.groups else None)


def test_the_claim_list_groups_by_category_state_and_department_with_counts_and_sums(app, db, company, client,
                                                                                     login_as):
    """Issue 12: group-by with counts and sums on the main lists; whole claims, within the viewer's scope."""
    from decimal import Decimal

    from flask_babel import force_locale

    from plugins.expenses.labels import state_label
    from plugins.expenses.services.categories import category_label

    with app.test_request_context(), force_locale("en"):
        travel, office = category_label(company.travel), category_label(company.office)
        draft_label, submitted_label = state_label("draft"), state_label("submitted")
    draft(db, company.rep, line(company.travel, "100.00", "G1"))
    draft(db, company.rep, line(company.travel, "50.50", "G2"))
    mixed = draft(db, company.rep, line(company.travel, "10.00", "G3"), line(company.office, "5.00", "G4"))
    other = draft(db, company.rep2, line(company.office, "7.00", "G5"))
    transition(db.session, other, company.rep2, "submit")
    db.session.commit()

    groups, totals = _groups(app, company.finance, group="category")
    assert {label: (n, s) for label, (n, s, _url) in groups.items()} == {
        travel: (2, Decimal("150.50")), office: (1, Decimal("7.00")),
        "Several categories": (1, Decimal("15.00"))}
    assert totals == (4, Decimal("172.50"))  # a claim with two categories is counted once
    groups, _totals = _groups(app, company.finance, group="state")
    assert {label: n for label, (n, _s, _u) in groups.items()} == {draft_label: 3, submitted_label: 1}
    groups, _totals = _groups(app, company.finance, group="department")
    assert {label: n for label, (n, _s, _u) in groups.items()} == {"Sales": 4}
    # The representative's groups hold their own claims only (R2 scope kept).
    groups, totals = _groups(app, company.rep, group="category")
    assert totals == (3, Decimal("165.50")) and office not in groups

    # Each group links to the list filtered to it; the page draws the groups.
    login_as(company.finance)
    page = client.get("/expenses/?group=category").get_data(as_text=True)
    assert f"/expenses/?category={company.travel.id}" in page and "150.50" in page
    listed = client.get(f"/expenses/?category={company.travel.id}").get_data(as_text=True)
    assert len(re.findall(r'href="/expenses/claims/\d+"', listed)) == 2 and mixed.number not in listed


def test_the_claim_list_built_once_per_scope_shows_what_the_users_own_select_shows(app, db, company, count_queries):
    """The claim list's select with the user's values as parameters (built once per scope), and its plain page
    from a count and rows built once per sort, show the rows and totals of the list written with the user's own
    values (claims_query), for every scope, sort, page and narrowing; the plain page in two statements."""
    from datetime import timedelta

    from sqlalchemy import update

    from plugins.expenses.models import Claim
    from plugins.expenses.services.queries import claims_query
    from plugins.expenses.views.lists import (
        CLAIM_DEFAULT_SORT,
        CLAIM_SORTS,
        LIST_COLUMNS,
        WITH_CLAIMANT,
        ClaimListQuery,
        _claim_page_statements,
        claim_list,
    )

    claims = [draft(db, user, line(company.travel, invoice=f"P{n}"), title=f"Trip {n}")
              for n, user in enumerate([company.rep, company.rep2, company.head, company.boss] * 3)]
    transition(db.session, claims[1], company.rep2, "submit")
    transition(db.session, claims[1], company.head, "approve")  # finance's queue
    transition(db.session, claims[4], company.rep, "submit")  # the head's queue
    for n, claim in enumerate(claims):  # created at a few moments, totals that tie: the id breaks every tie
        db.session.execute(update(Claim).where(Claim.id == claim.id).values(
            created_at=claim.created_at - timedelta(hours=n % 3), total=f"{n % 4}0.00"))
    db.session.commit()
    arguments = [{}, {"page": "2", "per_page": "3"}, {"page": "99"}, {"sort": "total"}, {"sort": "-number"},
                 {"sort": "state", "per_page": "5"}, {"sort": "submitted"}, {"sort": "-created", "page": "x"},
                 {"state": "submitted"}, {"mine": "1", "sort": "total"}, {"q": "trip 1"}]
    _claim_page_statements.cache_clear()
    for user in (company.rep, company.rep2, company.head, company.boss, company.finance):
        for args in arguments:
            with app.test_request_context():
                own = ClaimListQuery(claims_query(user).options(WITH_CLAIMANT), columns=LIST_COLUMNS,
                                     sorts=CLAIM_SORTS, default_sort=CLAIM_DEFAULT_SORT,
                                     filters=claim_list(user).filters).page(args)
            with app.test_request_context(), count_queries() as statements:
                page = claim_list(user, args).page(args)
            assert (page.items, page.total, page.page, page.sort) == (own.items, own.total, own.page, own.sort), args
            if set(args) <= {"page", "per_page", "sort"}:
                assert len([s for s in statements if "expenses_claim" in s]) == (2 if page.total else 1)
    assert len(claim_list(company.boss, {}).page({}).items) == 12
    # Every plain page (8 a user, and the last) ran statements built once per scope, finance or not, and sort.
    built = _claim_page_statements.cache_info()
    assert built.hits + built.misses == 5 * 8 + 1 and built.currsize == built.misses < 20
