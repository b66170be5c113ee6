"""Malformed requests are 4xx with a message in the error format, never a 500 (issue 11 F6), and the OpenAPI
document says what the endpoints really answer (issue 11 F7)."""

from __future__ import annotations

from sqlalchemy import func, select

from core.api.endpoint import MAX_JSON_DEPTH, nesting_depth
from core.api.pagination import page_schema
from core.api.validation import bound_integers
from core.web.params import MAX_DB_INTEGER
from tests.core.api.conftest import error_of


def _greetings(db):  # type: ignore[no-untyped-def]
    from netsales_hello.models import Greeting

    return db.session.scalar(select(func.count()).select_from(Greeting))


def test_a_body_nested_a_thousand_levels_is_a_400_and_saves_nothing(app, db, client, make_user, bearer, hello):
    headers = bearer(make_user())
    before = _greetings(db)
    for body in ("[" * 1000 + "]" * 1000, '{"text": ' + '{"a": ' * 5000 + "1" + "}" * 5001,
                 '{"text": ' + "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1) + "}"):
        answer = client.post("/api/v1/hello/greetings", data=body, headers=headers, content_type="application/json")
        assert answer.status_code == 400, body[:40]
        assert str(MAX_JSON_DEPTH) in error_of(answer)["message"]  # "at most 32 levels", in any language
    assert _greetings(db) == before
    # A normal body still works.
    assert client.post("/api/v1/hello/greetings", json={"text": "hi"}, headers=headers).status_code == 201


def test_nesting_depth_counts_arrays_and_objects():
    assert nesting_depth(5) == 0 and nesting_depth([]) == 1 and nesting_depth({"a": [1, {"b": []}]}) == 4


def test_integers_beyond_a_database_column_are_refused_by_the_schema(app, client, make_user, bearer, hello):
    headers = bearer(make_user())
    for value in (10**20, -(10**20), 2**63, MAX_DB_INTEGER + 1):
        answer = client.get(f"/api/v1/hello/greetings?author_id={value}", headers=headers)
        assert answer.status_code == 422, value
    schema = bound_integers({"type": "object", "properties": {"id": {"type": ["integer", "null"]},
                                                              "n": {"type": "integer", "minimum": 1},
                                                              "e": {"enum": [1, 2]}}})
    assert schema["properties"]["id"]["maximum"] == MAX_DB_INTEGER and schema["properties"]["id"]["minimum"] == -MAX_DB_INTEGER
    assert schema["properties"]["n"]["minimum"] == 1 and "maximum" in schema["properties"]["n"]
    assert schema["properties"]["e"] == {"enum": [1, 2]}


def test_a_21_digit_path_id_is_a_404_whatever_the_method(app, client, make_user, bearer, hello):
    headers = bearer(make_user())
    path = "/api/v1/hello/greetings/494350316252911370240"
    for method in ("get", "post", "patch", "delete"):
        answer = getattr(client, method)(path, headers=headers, json={})
        assert answer.status_code in (404, 405), method
        if method == "get":
            assert answer.status_code == 404
    # werkzeug called a POST to the list's sub-path with a huge id a 405 (the GET rule "allowed" it): a 404 now.
    answer = client.post("/api/v1/crm/customers/494350316252911370240/contacts", json={"name": "x"}, headers=headers)
    assert answer.status_code == 404
    error_of(answer)
    # Beyond a 4-byte INTEGER, PostgreSQL refused the look-up itself (a 400): no such record is a 404 on both.
    for method in ("get", "patch"):
        assert getattr(client, method)(f"/api/v1/crm/customers/{2**31}", headers=headers, json={}).status_code == 404
    # A real wrong method stays a 405 with its Allow header.
    wrong = client.delete("/api/v1/crm/customers", headers=headers)
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]


def test_list_responses_are_wrapped_in_one_page_and_errors_are_documented(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            assert "405" in operation["responses"], (path, method)
            if method in ("post", "put", "patch", "delete"):
                assert "422" in operation["responses"], (path, method)
            for status, answer in operation["responses"].items():
                schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
                items = schema.get("properties", {}).get("items", {}).get("items", {})
                # A page's items are records, never pages again (items.items).
                assert "per_page" not in items.get("properties", {}), (path, method, status)
    customers = doc["paths"]["/api/v1/crm/customers"]["get"]["responses"]["200"]["content"]["application/json"]
    assert "name" in customers["schema"]["properties"]["items"]["items"]["properties"]
    assert page_schema(page_schema({"type": "object"})) == page_schema({"type": "object"})
