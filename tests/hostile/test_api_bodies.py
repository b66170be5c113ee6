"""Every JSON API write endpoint of the core, CRM, pipeline and expenses, sent generated hostile bodies (issue 11):
its own fields with wrong types, numbers beyond every column, 20-digit ids, NUL and odd Unicode, unknown fields,
bodies that are not objects, and JSON nested far beyond what a parser recurses through. No answer is a 5xx, and a
refused request (4xx) saves nothing. The endpoints come from the URL map and their declared body schemas, so a new
endpoint is walked without being listed. Bounded and deterministic (derandomized)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.api import operation_of
from core.api.tokens import create_token
from tests.hostile.conftest import hostile_json, walked

EXAMPLES = 8
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _shaped(schema: Any) -> st.SearchStrategy[Any]:
    """Objects with the schema's own field names (some left out) holding hostile values, lists of them for arrays
    of objects: bodies that get past "unknown field" and reach the checks behind it."""
    if not isinstance(schema, dict):
        return hostile_json
    if schema.get("type") == "array" or "items" in schema:
        return st.lists(_shaped(schema.get("items", {})), max_size=3)
    properties = schema.get("properties")
    if not properties:
        return hostile_json
    return st.fixed_dictionaries({}, optional={name: st.one_of(_shaped(sub), hostile_json)
                                               for name, sub in properties.items()})


def _bodies(schema: Any) -> st.SearchStrategy[str]:
    nested = st.integers(min_value=33, max_value=3000).map(lambda n: "[" * n + "]" * n)
    deep_object = st.integers(min_value=33, max_value=3000).map(lambda n: '{"a":' * n + "1" + "}" * n)
    return st.one_of(_shaped(schema).map(json.dumps), hostile_json.map(json.dumps), nested, deep_object,
                     st.sampled_from(["", "{", "nul", '{"a": 1}{', "\x00", "[1,]", '"\\ud800"']))


def test_every_api_write_refuses_hostile_bodies_without_a_server_error_or_a_half_save(hostile_company):
    company = hostile_company
    _token, secret = create_token(company.db.session, company.admin.id, "hostile", None)
    company.db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    rules = sorted((r for r in company.app.url_map.iter_rules()
                    if r.rule.startswith("/api/") and r.methods & WRITES and walked(company.app, r)
                    and operation_of(company.app.view_functions[r.endpoint]) is not None), key=lambda r: r.rule)
    assert {r.rule.split("/")[3] for r in rules} >= {"crm", "pipeline", "expenses"}
    failures: list[str] = []
    for rule in rules:
        path = company.path_for(rule) or company.path_for(rule, missing=2**31 - 1)
        operation = operation_of(company.app.view_functions[rule.endpoint])
        for method in sorted(rule.methods & WRITES):
            try:
                _hammer(company, method, path, operation.body or {}, headers)
            except AssertionError as exc:
                failures.append(f"{method} {path} ({rule.rule}): {exc}")
    assert not failures, "\n".join(failures)


def _hammer(company: Any, method: str, path: str, schema: Any, headers: dict[str, str]) -> None:
    @given(body=_bodies(schema))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    def send(body: str) -> None:
        before = company.counts()
        answer = company.client.open(path, method=method, data=body.encode("utf-8", "surrogatepass"),
                                     content_type="application/json", headers=headers)
        assert answer.status_code < 500, f"{answer.status_code} for {body[:300]!r}"
        assert answer.is_json, f"{answer.status_code} is not in the error format for {body[:100]!r}"
        if answer.status_code >= 400:
            after = company.counts()
            changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
            assert not changed, f"refused with {answer.status_code} but saved {changed}: {body[:300]!r}"

    send()
