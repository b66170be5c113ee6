"""The header's search box over candidates (GET /search): the statement is built once per shape with the text, the
user and the limit as parameters (issue 18); it must answer what the conditions it replaced answer (core.db's
prefix_match and contains_any_case, core.security.scoped, built at every search) for every shape of text and each
scope, in one statement."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.db.substring_index import contains_any_case, prefix_match
from core.security import scoped

PHONE = re.compile(r"^[+\d][\d\s-]*$")
#: Names (Chinese, mixed case, "_", "%" and "/" as plain characters), phones and e-mails of every shape.
PEOPLE = (("欧阳娜娜", "13812345678", "Ouyang.NaNa@Example.com"), ("Zhou Jie", "+86 139 1234 0000", "zhou_j@x.cn"),
          ("ZHOU Min", "13912349999", "zhouxj@x.cn"), ("li_lei", "137-0000-1111", "li%lei@x.cn"),
          ("lixlei", "13700001112", "lixlei@x.cn"), ("王 50%/二", "15000000000", "wang@x.cn"))
QUERIES = ("欧阳", "娜娜", "zhou", "ZHOU", "Zhou J", "i_l", "i%l", "_l", "%%", "50%", "%/二", "王 50", "138 1234",
           "+86 139 1234", "13912349999", "139", "137-0000", "86", "1370000111", "Ouyang.nana@", "ZHOU_J@",
           "zhou_", "li%lei@", "lixlei@x", "@x.cn", "@@", "%@", "x@", "nobody")


def previous_search(db, text, user, limit):
    """(title, url, snippet) as the hook found them with the conditions built at every search."""
    from plugins.recruitment.labels import STAGE_LABELS, STATUS_LABELS
    from plugins.recruitment.models import Application, Candidate, Requisition
    from plugins.recruitment.services.candidates import phone_key

    if len(text) < 2:
        return []
    if PHONE.match(text) and (key := phone_key(text)) and len(key) >= 3:
        condition = prefix_match(Candidate.phone_key, key)
    elif "@" in text:
        condition = prefix_match(Candidate.email_key, text.lower())
    else:
        condition = contains_any_case(Candidate.name, text)
    stmt = (select(Application.id, Candidate.name, Requisition.title, Application.stage, Application.status)
            .join(Candidate, Candidate.id == Application.candidate_id)
            .join(Requisition, Requisition.id == Application.requisition_id)
            .where(condition, Candidate.anonymised_at.is_(None)))
    rows = db.session.execute(scoped(stmt, Application, "recruitment.application.view", user)
                              .order_by(Application.id.desc()).limit(limit)).all()
    return [(name, f"/recruitment/applications/{app_id}",
             f"{title} · {STAGE_LABELS[stage] if status == 'active' else STATUS_LABELS[status]}")
            for app_id, name, title, stage, status in rows]


@pytest.fixture
def plans(db, people, requisition):
    """The head's plan (the fixture's), the supervisor's (in the head's team) and HR's (outside it)."""
    from core.timeutil import utcnow
    from plugins.recruitment.models import Requisition

    made = {"head": requisition}
    for who, title in (("supervisor", "直播运营"), ("hr2", "客服专员")):
        plan = Requisition(title=title, position="sales_rep", headcount=3, reason="growth", state="approved",
                           requested_by_id=people[who].id, approved_at=utcnow())
        db.session.add(plan)
        made[who] = plan
    db.session.commit()
    return made


@pytest.fixture
def applications(db, people, plans, make_application):
    """Every person applies to each plan; some have moved on or been rejected, one is anonymised."""
    from core.timeutil import utcnow

    made = []
    for plan in plans.values():
        for name, phone, email in PEOPLE:
            made.append(make_application(name=name, phone=phone, email=email, req=plan))
    made[1].stage, made[2].status, made[8].status = "test", "rejected", "hired"
    gone = make_application(name="周杰伦", phone="13812345000", email="zhou.gone@x.cn", req=plans["head"])
    gone.candidate.anonymised_at = utcnow()  # its name kept: the condition, not the erasure, must hide it
    db.session.commit()
    return made


@pytest.fixture
def found(app):
    engine = app.extensions["netsales"]

    def search(query, user, limit=20):
        from core.contracts import SearchResult

        with app.test_request_context("/"):
            results = engine.collect("global_search", SearchResult, only="recruitment", query=query, user=user,
                                     limit=limit)
            return [(r.title, r.url, str(r.snippet)) for r in results]

    return search


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
def test_the_search_answers_what_the_conditions_it_replaced_answer(app, db, people, applications, found, language):
    from flask_babel import force_locale

    answered = 0
    for who in ("hr", "head", "supervisor", "hr2", "rep"):  # all, team, own, all again, no grant
        user = people[who]
        for query in QUERIES:
            for limit in (20, 2):
                with app.test_request_context("/"), force_locale(language):
                    expected = previous_search(db, query, user, limit)
                with force_locale(language):
                    got = found(query, user, limit)
                assert got == expected, (who, query, limit)
                answered += bool(expected)
    assert answered >= 120  # most texts find something for most users: the comparison is not of nothing


def test_each_scope_finds_its_own_applications(app, db, people, plans, applications, found):
    def plans_found(who):
        return {url for _title, url, _snippet in found("zhou", people[who])}

    ids = {who: {f"/recruitment/applications/{a.id}" for a in applications
                 if a.requisition_id == plan.id and "zhou" in a.candidate.name.lower()}
           for who, plan in plans.items()}
    assert plans_found("hr") == ids["head"] | ids["supervisor"] | ids["hr2"]
    assert plans_found("head") == ids["head"] | ids["supervisor"]  # the head's team
    assert plans_found("supervisor") == ids["supervisor"]
    assert plans_found("rep") == set()


def test_one_statement_a_search(app, db, people, applications, count_queries):
    from plugins.recruitment.search import search

    for who in ("hr", "head", "supervisor"):
        for query in ("zhou", "138 1234", "zhou_j@"):
            with app.test_request_context("/"):
                search(query, people[who], 20)  # the team and the grants, read once a request
                with count_queries() as statements:
                    assert search(query, people[who], 20)
            assert len(statements) == 1, (who, query)


def test_sqlite_reads_the_phone_and_e_mail_indexes_not_the_scopes_applications(app, db, people, applications):
    """SQLite has no statistics to weigh indexes: it must not read a scope's every application by the owner index
    (nor every candidate by the anonymised_at one) where the phone's or e-mail's index finds the few that match."""
    from sqlalchemy import event

    from plugins.recruitment.search import search

    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans by its statistics")
    executed = []

    def record(conn, cursor, statement, parameters, context, executemany):
        executed.append((statement, parameters))

    for who, query, index in (("head", "138 1234", "phone_key"), ("supervisor", "zhou_j@", "email_key"),
                              ("hr", "139", "phone_key"), ("head", "zhou", None)):
        with app.test_request_context("/"):
            event.listen(db.engine, "before_cursor_execute", record)
            try:
                search(query, people[who], 20)
            finally:
                event.remove(db.engine, "before_cursor_execute", record)
            statement, parameters = executed[-1]
            cursor = db.session.connection().connection.cursor()
            plan = " | ".join(row[-1] for row in cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters))
        assert "anonymised_at" not in plan, plan
        if index:
            assert f"ix_recruitment_candidate_{index}" in plan and "owner_id" not in plan, (who, plan)
        else:  # a name has no index: the team's applications by the owner index are the fewest to read
            assert "ix_recruitment_application_owner_id" in plan, plan
