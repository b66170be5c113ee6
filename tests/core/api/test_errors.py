"""One error format for every API error (issue 4 item 5), 404/405/500 included; pages keep their HTML errors."""

from __future__ import annotations

from sqlalchemy import func, select

from core.api import ApiError, api_endpoint
from tests.core.api.conftest import error_of


def test_unknown_api_paths_and_wrong_methods_answer_in_the_error_format(app, client):
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    error_of(missing)
    wrong = client.delete("/api/v1/me")
    assert wrong.status_code == 405
    assert "GET" in wrong.headers["Allow"]
    error_of(wrong)


def test_pages_outside_the_api_keep_their_html_error_pages(app, client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_a_server_error_under_the_api_answers_500_in_the_error_format(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @api_endpoint(public=True, summary="boom")
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("the disk is on fire")

    @api_endpoint(public=True, summary="teapot")
    def teapot():  # type: ignore[no-untyped-def]
        raise ApiError(409, "Already brewed.", fields={"pot": ["Full."]})

    app.add_url_rule("/api/v1/test-boom", "test_boom", boom)
    app.add_url_rule("/api/v1/test-conflict", "test_conflict", teapot)
    client = app.test_client()
    answer = client.get("/api/v1/test-boom")
    assert answer.status_code == 500
    error = error_of(answer)
    assert "fire" not in error["message"]  # no internals leak to the caller
    conflict = client.get("/api/v1/test-conflict")
    assert conflict.status_code == 409
    assert error_of(conflict) == {"status": 409, "message": "Already brewed.", "fields": {"pot": ["Full."]}}


def test_invalid_input_gets_422_with_the_message_of_each_field_and_nothing_is_saved(app, db, client, make_user,
                                                                                      bearer, hello):
    from netsales_hello.models import Greeting

    headers = bearer(make_user())
    cases = [
        ({}, {"text"}),
        ({"text": ""}, {"text"}),
        ({"text": "x" * 281}, {"text"}),
        ({"text": 5}, {"text"}),
        ({"text": "ok", "extra": 1}, {"extra"}),
        ({"text": "   "}, {"text"}),  # passes the schema, refused by the plugin's own rule
        ({"text": "nul\x00byte"}, {"text"}),
    ]
    for body, fields in cases:
        answer = client.post("/api/v1/hello/greetings", json=body, headers=headers)
        assert answer.status_code == 422, body
        error = error_of(answer)
        assert set(error["fields"]) == fields, body
        assert all(messages and all(isinstance(m, str) and m for m in messages)
                   for messages in error["fields"].values())
    assert db.session.scalar(select(func.count()).select_from(Greeting)) == 0


def test_field_errors_speak_the_callers_language(app, db, client, make_user, bearer, hello):
    english = client.post("/api/v1/hello/greetings", json={}, headers=bearer(make_user("en", locale="en")))
    chinese = client.post("/api/v1/hello/greetings", json={}, headers=bearer(make_user("zh", locale="zh_Hans")))
    assert error_of(english)["fields"]["text"] == ["This field is required."]
    assert error_of(chinese)["fields"]["text"] != ["This field is required."]


def test_a_body_that_is_not_json_is_refused_cleanly(app, client, make_user, bearer, hello):
    headers = bearer(make_user())
    assert client.post("/api/v1/hello/greetings", data="text=hi", headers=headers,
                       content_type="application/x-www-form-urlencoded").status_code == 415
    broken = client.post("/api/v1/hello/greetings", data="{not json", headers=headers,
                         content_type="application/json")
    assert broken.status_code == 400
    error_of(broken)
    assert client.post("/api/v1/hello/greetings", headers=headers).status_code == 400


def test_bad_query_parameters_get_422(app, client, make_user, bearer, hello):
    headers = bearer(make_user())
    for query, field in [("page=0", "page"), ("per_page=101", "per_page"), ("page=abc", "page"),
                         ("author_id=x", "author_id"), ("author_id=2147483648", "author_id"), ("q=" + "x" * 101, "q"), ("q=a%00b", "q")]:
        answer = client.get(f"/api/v1/hello/greetings?{query}", headers=headers)
        assert answer.status_code == 422, query
        assert field in error_of(answer)["fields"], query
