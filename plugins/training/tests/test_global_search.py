"""The header's search box over the course catalogue: the statement is built once per shape with the text and the
limit as parameters (issue 18); it must answer what the condition it replaced answers (core.db's
contains_any_case built at every search) for every shape of text, in one statement."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db.substring_index import contains_any_case

TITLES = (("销售策略", "periodic"), ("Excel 进阶", "product"), ("EXCEL basics", "periodic"), ("excel_pro", "compliance"),
          ("excelXpro", "onboarding"), ("提成 100% 规则/二期", "personalised"), ("Excel archived", "product"))
QUERIES = ("销售", "excel", "EXCEL", "Excel B", "l_p", "l%p", "_", "%", "0%", "%/二", "规则/", "cel", "nothing")


def previous_search(db, text, limit):
    """(title, url, snippet) as the hook found them with the condition built at every search."""
    from plugins.training.labels import KIND_LABELS
    from plugins.training.models import TrainingCourse

    rows = db.session.execute(select(TrainingCourse.id, TrainingCourse.title, TrainingCourse.kind)
                              .where(TrainingCourse.archived.is_(False), contains_any_case(TrainingCourse.title, text))
                              .order_by(TrainingCourse.title, TrainingCourse.id).limit(limit))
    return [(title, f"/training/courses/{course_id}", str(KIND_LABELS.get(kind, ""))) for course_id, title, kind in rows]


@pytest.fixture
def courses(db):
    from plugins.training.models import TrainingCourse

    for title, kind in TITLES:
        db.session.add(TrainingCourse(title=title, kind=kind, archived=title.endswith("archived")))
    db.session.commit()


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
def test_the_search_answers_what_the_condition_it_replaced_answers(app, db, team, courses, language):
    from flask_babel import force_locale

    from core.contracts import SearchResult

    engine = app.extensions["netsales"]
    answered = 0
    for query in QUERIES:
        for limit in (20, 2):
            with app.test_request_context("/"), force_locale(language):
                expected = previous_search(db, query, limit)
                got = [(r.title, r.url, str(r.snippet)) for r in engine.collect(
                    "global_search", SearchResult, only="training", query=query, user=team["rep"], limit=limit)]
                kinds = {str(r.kind) for r in engine.collect(
                    "global_search", SearchResult, only="training", query=query, user=team["rep"], limit=limit)}
            assert got == expected, (query, limit)
            assert kinds <= {"Course", "课程"}
            answered += bool(expected)
    assert answered >= 16


def test_one_statement_a_search(app, db, team, courses, count_queries):
    from plugins.training.search import search

    for query in ("excel", "销售", "0%"):
        with app.test_request_context("/"):
            search(query, team["rep"], 20)
            with count_queries() as statements:
                assert search(query, team["rep"], 20)
        assert len(statements) == 1, query
