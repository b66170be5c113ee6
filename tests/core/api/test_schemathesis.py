"""Schemathesis against /api/v1/openapi.json (issue 4 item 5): generated requests, valid and invalid, to every
endpoint of the core and the enabled example plugin find no server error. Bounded to a few examples an operation
so that it runs in seconds."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

EXAMPLES = 8


def test_generated_requests_find_no_server_error(app, db, make_app, make_user, enable_plugin, make_token):
    from netsales_hello.services import post_greeting

    enable_plugin("hello")
    admin = make_user("st-admin", roles=["admin"])
    rep = make_user("st-rep")
    post_greeting(db.session, rep.id, "schemathesis was here")
    db.session.commit()
    callers = {"admin": make_token(admin)[1], "rep": make_token(rep)[1]}

    # A second app object: each generated request then runs in an app context of its own, as in production.
    api_app = make_app()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/v1/me", "/api/v1/hello/greetings",
                                              "/api/v1/hello/greetings/{greeting_id}"}

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run_examples(operation, mode, callers)

    from netsales_hello.models import Greeting
    from sqlalchemy import func, select

    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Greeting)) > 1  # the requests reached the views


def run_examples(operation, mode, callers):  # type: ignore[no-untyped-def]
    # Valid requests must also get answers that match the document; invalid ones just no server error.
    checks = [not_a_server_error]
    secrets = list(callers.values())
    if mode is GenerationMode.POSITIVE:
        checks += [response_schema_conformance, status_code_conformance]
    else:
        secrets = secrets[:1]  # invalid input is refused before the caller's scope matters

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def check(case):  # type: ignore[no-untyped-def]
        for secret in secrets:
            case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=checks)

    check()
