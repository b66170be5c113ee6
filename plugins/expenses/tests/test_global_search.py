"""The header's search box over claims (global_search hook): the claims, their order, titles, links and snippets
are those the claim list's search finds (claims_query with ``q``, through claim_search) for every scope (own, team,
all, finance's queues, no scope at all) and every shape of text; in no more statements. The claims a user sees
(claim_visibility) are the same written with the user's id and team as parameters (bound_visibility)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from flask import url_for
from sqlalchemy import insert, select, update

from core.contracts import SearchResult
from core.web.locale import money
from plugins.expenses import search
from plugins.expenses.labels import state_label
from plugins.expenses.models import Claim
from plugins.expenses.services.queries import (
    bound_visibility,
    claim_visibility,
    claims_query,
    sees_queues,
    visibility_parameters,
)
from plugins.expenses.tests.conftest import draft, line, to_paid

#: How the search answers: every word through the index, every word on the claims' rows, or each as its count says.
PLANS = {"index": 1_000_000, "rows": 1, "mixed": 4}
#: Shapes of text: a short word (CJK, Latin in any case), two and three words, a long word (the index's first and
#: last windows), a whole number and its start in lower case, a word every claim holds, "%" and "_" as typed, no
#: match (short, long, equal windows), a single letter, nothing but a space.
QUERIES = ["差旅", "trip", "TRIP 差旅", "差旅 trip beijing", "roadshow-beijing-2026", "ROADSHOW-BEIJING", "bx",
           "BX 差旅", "50%", "%", "_", "e_n", "%%", "北京上海广州深圳杭州", "nomatch", "差旅差旅差旅差旅差旅", "x", " ",
           "file_name", "Trip Trip"]


@pytest.fixture
def people(app, db, company, make_user):
    """The company's people, and a user of each scope the roles do not give: own with finance's re-review, team
    with payments (and one report), filing only (sees the claims they approve), nothing at all."""
    from core.identity.models import Grant, Role

    def role(code: str, *grants: tuple[str, str]) -> None:
        db.session.add(Role(code=code, name=code, grants=[Grant(permission_code=p, scope=s) for p, s in grants]))

    role("own_finance", ("expenses.claim.view", "own"), ("expenses.claim.create", "all"),
         ("expenses.claim.finance_review", "all"))
    role("team_pay", ("expenses.claim.view", "team"), ("expenses.claim.create", "all"), ("expenses.claim.pay", "all"))
    role("files_only", ("expenses.claim.create", "all"))
    db.session.commit()
    auditor = make_user("aud", roles=["own_finance"], department_id=company.department.id, superior_id=company.head.id)
    lead = make_user("lead", roles=["team_pay"])
    report = make_user("sub", roles=["sales_rep"], department_id=company.department.id, superior_id=lead.id)
    filer = make_user("filer", roles=["files_only"])
    nobody = make_user("nobody", roles=[])
    return {"boss": company.boss, "head": company.head, "rep": company.rep, "rep2": company.rep2,
            "finance": company.finance, "aud": auditor, "lead": lead, "sub": report, "filer": filer,
            "nobody": nobody}


@pytest.fixture
def claims(app, db, company, people):
    """Claims of every kind a scope may see: drafts, a department queue, finance's queues, paid, one without a
    number, and a batch created at one moment (order by id)."""
    from plugins.expenses.services.workflow import transition

    rep, rep2, head = company.rep, company.rep2, company.head
    made = {"trip": draft(db, rep, line(company.travel, invoice="A1"), title="差旅 Trip Beijing")}
    made["submitted"] = draft(db, rep, line(company.travel, invoice="A2"), title="差旅 trip hotel")
    transition(db.session, made["submitted"], rep, "submit")
    made["approved"] = draft(db, rep2, line(company.travel, invoice="A3"), title="Roadshow-Beijing-2026 差旅")
    transition(db.session, made["approved"], rep2, "submit")
    transition(db.session, made["approved"], head, "approve")
    # The first and last windows of "roadshow-beijing-2026", not that text: the index finds it, the row test not.
    made["windows"] = draft(db, rep, line(company.travel, invoice="A9"), title="Roadshow-ing-2026 差旅")
    made["head"] = draft(db, head, line(company.travel, invoice="A4"), title="差旅 head TRIP")
    made["report"] = draft(db, people["sub"], line(company.travel, invoice="A5"), title="折扣 50% 差旅")
    transition(db.session, made["report"], people["sub"], "submit")
    made["auditor"] = draft(db, people["aud"], line(company.travel, invoice="A6"), title="file_name 差旅")
    made["paid"] = to_paid(db, company, draft(db, rep, line(company.travel, invoice="A7"), title="filexname BX"))
    made["boss"] = draft(db, company.boss, line(company.travel, invoice="A8"), title="Office chairs")
    db.session.commit()
    # The report's claim waits for the filer (an approver who sees only what they approve); the boss's has no number.
    db.session.execute(update(Claim).where(Claim.id == made["report"].id).values(approver_id=people["filer"].id))
    db.session.execute(update(Claim).where(Claim.id == made["boss"].id).values(number=None))
    moment = datetime(2026, 1, 1)
    db.session.execute(insert(Claim), [
        {"id": 9000 + n, "number": f"BX9{n:05d}", "title": f"差旅 batch {n} trip", "claimant_id": rep.id,
         "department_id": company.department.id, "state": ("draft", "submitted", "paid")[n % 3],
         "approver_id": head.id if n % 3 else None, "total": f"{n}1.50", "over_budget": False,
         "created_at": moment - timedelta(days=n // 4), "updated_at": moment, "version": 1} for n in range(9)])
    db.session.commit()
    return made


@contextmanager
def request_in(app, locale: str) -> Iterator[None]:
    """A request context whose browser asks for ``locale`` (the test's app context keeps the locale it found
    first: forgotten here)."""
    from flask_babel import refresh

    with app.test_request_context("/", headers={"Accept-Language": locale}):
        refresh()
        yield
    refresh()


def claim_statements(statements: list[str]) -> list[str]:
    return [statement for statement in statements if "expenses_claim" in statement]


def listed(user, query: str, limit: int) -> list[tuple[str, str, str]]:
    """What the claim list's search finds for ``user``, as the global search showed it: the claims of
    claims_query(user, q=query), newest first, each as (title, url, snippet)."""
    from core.extensions import db
    from core.security import can

    if not can(user, "expenses.claim.create") and not can(user, "expenses.claim.view"):
        return []
    rows = db.session.scalars(claims_query(user, q=query, session=db.session).limit(limit))
    return [(f"{c.number} {c.title}" if c.number else c.title, url_for("expenses.claim_detail", claim_id=c.id),
             f"{state_label(c.state)} · {money(c.total)}") for c in rows]


@pytest.mark.parametrize("locale, heading", [("en", "Expense claims"), ("zh-CN", "报销单")])
@pytest.mark.parametrize("plan", PLANS)
def test_the_global_search_finds_what_the_claim_list_finds(app, db, company, people, claims, count_queries,
                                                           monkeypatch, plan, locale, heading):
    monkeypatch.setattr(search, "SEARCH_INDEX_LIMIT", PLANS[plan])
    engine = app.extensions["netsales"]
    numbers = [claims["approved"].number, claims["paid"].number.lower(), claims["paid"].number[:-1]]
    compared = found = 0
    for u, (name, user) in enumerate(people.items()):
        for q, query in enumerate(QUERIES + numbers):
            limit = 3 if (u + q) % 2 else 20
            with request_in(app, locale), count_queries() as statements:
                results = engine.collect("global_search", SearchResult, only="expenses", query=query, user=user,
                                         limit=limit)
            with request_in(app, locale), count_queries() as before:
                expected = listed(user, query, limit)
            assert [(r.title, r.url, r.snippet) for r in results] == expected, (name, query, limit)
            assert {(r.kind, str(r.kind_label)) for r in results} <= {("expense_claim", heading)}
            # The claims' statements (a user's grants or team, read once a request, come first either way).
            assert len(claim_statements(statements)) <= len(claim_statements(before)) <= 2, (name, query)
            compared += 1
            found += bool(expected)
    assert found > compared // 3  # the comparison is mostly not between empty lists
    with app.test_request_context("/"):
        assert [r.title for r in engine.collect("global_search", SearchResult, only="expenses", query="office",
                                                user=company.boss, limit=5)] == ["Office chairs"]  # a draft: no number yet


def test_the_search_statements_are_built_once_per_shape(app, db, company, people, claims, monkeypatch):
    """A second search of the same shape (scope, words) runs the statements the first built: other words, other
    users of that scope, another limit."""
    search._probe_statement.cache_clear()
    search._claims_statement.cache_clear()
    engine = app.extensions["netsales"]

    def titles(query: str, user, limit: int = 20) -> list[str]:
        with app.test_request_context("/"):
            return [r.title for r in engine.collect("global_search", SearchResult, only="expenses", query=query,
                                                    user=user, limit=limit)]

    assert titles("hotel", company.rep) == [f"{claims['submitted'].number} 差旅 trip hotel"]
    built = (search._probe_statement.cache_info().currsize, search._claims_statement.cache_info().currsize)
    assert titles("beijing", company.rep, 5) == [f"{claims['trip'].number} 差旅 Trip Beijing"]
    assert titles("chair", company.rep2) == []
    # Same shapes: none built again.
    assert built == (search._probe_statement.cache_info().currsize, search._claims_statement.cache_info().currsize)
    assert titles("roadshow", company.rep2) == [f"{claims['approved'].number} Roadshow-Beijing-2026 差旅"]


def test_bound_visibility_is_claim_visibility_for_every_scope(app, db, company, people, claims):
    """The claims each user sees, written with the user's values (claim_visibility: the lists, the API) and as
    parameters (the global search), on both databases; a team is one array parameter on PostgreSQL."""
    from core.security import scope_for

    connection = db.session.connection()
    postgresql = connection.dialect.name == "postgresql"
    every = set(db.session.scalars(select(Claim.id)))
    seen = {}
    for name, user in people.items():
        scope = scope_for(user, "expenses.claim.view")
        with app.test_request_context("/"):
            listed_ids = set(db.session.scalars(select(Claim.id).where(claim_visibility(user))))
            condition = bound_visibility(scope, scope != "all" and sees_queues(user), postgresql)
            stmt = select(Claim.id) if condition is None else select(Claim.id).where(condition)
            bound_ids = set(connection.execute(stmt, visibility_parameters(user, scope)).scalars())
        assert listed_ids == bound_ids, name
        seen[name] = listed_ids
    ids = {key: claim.id for key, claim in claims.items()}
    batch = {9000 + n for n in range(9)}
    assert seen["boss"] == seen["finance"] == every
    assert seen["rep"] == {ids["trip"], ids["submitted"], ids["paid"], ids["windows"]} | batch  # own (R2)
    assert seen["rep2"] == {ids["approved"]}
    # Team: the head's reports and their own, the department they head (the report of another line), what they
    # approve.
    assert seen["head"] == {ids["trip"], ids["submitted"], ids["paid"], ids["windows"], ids["approved"], ids["head"],
                            ids["report"], ids["auditor"]} | batch
    assert seen["aud"] == {ids["auditor"], ids["approved"], ids["paid"]} | {9002, 9005, 9008}  # own and finance's
    assert seen["lead"] == {ids["report"], ids["approved"], ids["paid"]} | {9002, 9005, 9008}  # team and finance's
    assert seen["filer"] == {ids["report"]} and seen["nobody"] == set()  # what they approve; nothing
    if postgresql:
        with app.test_request_context("/"):
            compiled = claims_query(company.head).compile(dialect=connection.dialect)
        assert "= ANY (%(scope_team_ids" in str(compiled)
        assert sorted(next(v for k, v in compiled.params.items() if k.startswith("scope_team_ids"))) == sorted(
            u.id for u in (company.head, company.rep, company.rep2, people["aud"]))
