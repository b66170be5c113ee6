"""The example plugin's greetings API: record scopes through the API (R2, issue 3 IDOR) and SQL pagination."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.core.api.conftest import error_of


@pytest.fixture
def greetings(app, db, hello, make_user):
    """Two representatives under one supervisor, and one greeting each."""
    from netsales_hello.services import post_greeting

    boss = make_user("boss", roles=["sales_supervisor"])
    rep_a = make_user("rep_a", superior_id=boss.id)
    rep_b = make_user("rep_b", superior_id=boss.id)
    outsider = make_user("outsider")
    mine = post_greeting(db.session, rep_a.id, "来自 A 的问候")
    theirs = post_greeting(db.session, rep_b.id, "来自 B 的问候")
    db.session.commit()
    return {"boss": boss, "a": rep_a, "b": rep_b, "outsider": outsider, "mine": mine, "theirs": theirs}


def test_a_representative_reading_anothers_greeting_by_id_gets_404(client, bearer, greetings):
    headers = bearer(greetings["a"])
    assert client.get(f"/api/v1/hello/greetings/{greetings['mine'].id}", headers=headers).status_code == 200
    answer = client.get(f"/api/v1/hello/greetings/{greetings['theirs'].id}", headers=headers)
    assert answer.status_code == 404
    missing = client.get("/api/v1/hello/greetings/987654", headers=headers)
    assert error_of(answer) == error_of(missing)  # indistinguishable from a greeting that does not exist


def test_lists_hold_only_the_callers_scope(client, bearer, greetings):
    def texts(user):  # type: ignore[no-untyped-def]
        body = client.get("/api/v1/hello/greetings", headers=bearer(user)).get_json()
        return sorted(item["text"] for item in body["items"]), body["total"]

    assert texts(greetings["a"]) == (["来自 A 的问候"], 1)
    assert texts(greetings["boss"]) == (["来自 A 的问候", "来自 B 的问候"], 2)  # the team (R2.2)
    assert texts(greetings["outsider"]) == ([], 0)


def test_posting_a_greeting_returns_it_and_the_author_is_the_tokens_user(client, bearer, greetings):
    answer = client.post("/api/v1/hello/greetings", json={"text": "  加油！ "}, headers=bearer(greetings["b"]))
    assert answer.status_code == 201
    created = answer.get_json()
    assert created["text"] == "加油！" and created["author_id"] == greetings["b"].id
    assert created["created_at"].endswith("Z")
    fetched = client.get(f"/api/v1/hello/greetings/{created['id']}", headers=bearer(greetings["b"]))
    assert fetched.get_json() == created


def test_pagination_is_done_in_sql_with_a_fixed_number_of_queries(app, db, client, make_user, hello, bearer):
    from netsales_hello.services import post_greeting

    manager = make_user("manager", roles=["sales_manager"])
    for number in range(25):
        post_greeting(db.session, manager.id, f"greeting {number:02d}")
    db.session.commit()
    headers = bearer(manager)

    first = client.get("/api/v1/hello/greetings?per_page=10", headers=headers).get_json()
    assert (first["page"], first["per_page"], first["total"], len(first["items"])) == (1, 10, 25, 10)
    assert first["items"][0]["text"] == "greeting 24"  # newest first
    last = client.get("/api/v1/hello/greetings?per_page=10&page=3", headers=headers).get_json()
    assert [item["text"] for item in last["items"]] == [f"greeting {n:02d}" for n in (4, 3, 2, 1, 0)]
    beyond = client.get("/api/v1/hello/greetings?per_page=10&page=9", headers=headers).get_json()
    assert beyond["items"] == [] and beyond["total"] == 25
    default = client.get("/api/v1/hello/greetings", headers=headers).get_json()
    assert default["per_page"] == 20 and len(default["items"]) == 20
    found = client.get("/api/v1/hello/greetings?q=greeting%2007", headers=headers).get_json()
    assert [item["text"] for item in found["items"]] == ["greeting 07"]

    def queries_for(per_page: int) -> int:
        statements: list[str] = []

        def count(*args):  # type: ignore[no-untyped-def]
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            client.get(f"/api/v1/hello/greetings?per_page={per_page}", headers=headers)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len([s for s in statements if "hello_greeting" in s])

    queries_for(1)  # warm the token's last-used time
    assert queries_for(1) == queries_for(25) == 2  # one count, one page
