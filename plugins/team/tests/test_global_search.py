"""The header's search box over shared posts and notices: the statements are built once per shape with the text,
the user, the time and the limit as parameters (issue 18); they must answer what the conditions they replaced answer
(contains_any_case and notices.visible built at every search, the time read in Python) for every shape of text and
every kind of reader (manager of the board, in a department or in none, author, in a team), one statement a kind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import or_, select

from core.db.substring_index import contains_any_case
from core.timeutil import local_today, utcnow
from plugins.team.services import notices, posts

TEXTS = ("直播间排班", "Live 声卡 Setup", "LIVE room", "live_room 100%/二期", "livexroom")
QUERIES = ("直播", "live", "LIVE", "Live R", "e_r", "e%r", "_", "%", "0%", "%/二", "排班", "setup", "nothing")


def previous_search(db, text, user, limit):
    """(kind, title, url, snippet) as the hook found them with the conditions built at every search."""
    from flask_babel import gettext as _

    from plugins.team.models import Notice, Post

    results = [(_("Shared experience"), title, f"/team/posts/{pid}", (body or "")[:120])
               for pid, title, body in db.session.execute(
                   select(Post.id, Post.title, Post.body_text)
                   .where(or_(contains_any_case(Post.title, text), contains_any_case(Post.body_text, text)))
                   .order_by(Post.like_count.desc(), Post.id.desc()).limit(limit))]
    now = utcnow()
    results += [(_("Notice"), title, f"/team/notices/{nid}", "") for nid, title in db.session.execute(
        select(Notice.id, Notice.title).where(contains_any_case(Notice.title, text), notices.visible(user),
                                              or_(Notice.expires_at.is_(None), Notice.expires_at > now))
        .order_by(Notice.published_at.desc()).limit(limit))]
    return results[:limit]


@pytest.fixture
def board(db, people, make_user):
    """Posts and notices whose titles hold every text, to everyone, a department, a team; one expired."""
    from plugins.team.models import Notice

    people["nobody"] = make_user("loner", roles=["sales_rep"], position="sales_rep")  # no department, no superior
    for k, text in enumerate(TEXTS):
        post = posts.create_post(db.session, people["rep"], title=f"{text} 心得", body=f"正文 {text} " * (k + 1))
        post.like_count = k % 3
    for author, audience, department in ((people["manager"], "all", None),
                                         (people["manager"], "department", people["finance"].id),
                                         (people["supervisor"], "team", None),
                                         (people["head"], "department", people["sales"].id)):
        for text in TEXTS:
            notices.publish(db.session, author, title=f"{text} 通知", body="见附件", audience=audience,
                            department_id=department, expires_on=local_today() + timedelta(days=3))
    expired = notices.publish(db.session, people["manager"], title="直播 live 旧通知", body="过期")
    db.session.flush()
    db.session.get(Notice, expired.id).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


@pytest.fixture
def found(app):
    engine = app.extensions["netsales"]

    def search(query, user, limit=20):
        from core.contracts import SearchResult

        results = engine.collect("global_search", SearchResult, only="team", query=query, user=user, limit=limit)
        return [(str(r.kind), r.title, r.url, r.snippet) for r in results]

    return search


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
def test_the_search_answers_what_the_conditions_it_replaced_answer(app, db, people, board, found, language):
    from flask_babel import force_locale

    answered = 0
    # The board's manager, the sales department (in the supervisor's team or not), finance (author of a
    # department notice to sales), someone of no department.
    for who in ("hr", "rep", "manager", "supervisor", "head", "clerk", "nobody"):
        for query in QUERIES:
            for limit in (20, 7, 3):
                with app.test_request_context("/"), force_locale(language):
                    expected = [(str(kind), *rest) for kind, *rest in previous_search(db, query, people[who], limit)]
                    got = found(query, people[who], limit)
                assert got == expected, (who, query, limit)
                answered += any(url.startswith("/team/notices/") for _kind, _title, url, _snippet in expected)
    assert answered >= 150


def test_each_reader_finds_the_notices_meant_for_them(app, db, people, board, found):
    with app.test_request_context("/"):
        counts = {who: sum("通知" in title for _kind, title, _url, _snippet in found("LIVE room", people[who], 50))
                  for who in ("hr", "rep", "manager", "head", "clerk", "nobody")}
    # hr manages the board (4), rep: everyone's, the sales department's, the supervisor's team (3); the manager:
    # everyone's, the sales department's, the finance one they wrote (3); head: everyone's, finance's and the one
    # they wrote to sales (3); clerk: everyone's, finance's (2); nobody: everyone's (1). The expired one never.
    assert counts == {"hr": 4, "rep": 3, "manager": 3, "head": 3, "clerk": 2, "nobody": 1}


def test_one_statement_a_kind(app, db, people, board, count_queries):
    from plugins.team.search import search

    for who in ("hr", "rep", "nobody"):
        with app.test_request_context("/"):
            search("live", people[who], 20)
            with count_queries() as statements:
                results = search("live", people[who], 20)
            assert len(statements) == 2 and len(results) > 5, who
            # Posts that fill the answer leave no room for notices: those are not asked for.
            with count_queries() as statements:
                assert len(search("live", people[who], 3)) == 3
            assert len(statements) == 1, who
