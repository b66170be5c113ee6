"""Role × route (issue 3 §3): signed in as each built-in role, every parameterless GET route of the core and of
every installed plugin (all enabled) answers as it declares — 200 or a redirect when the role may open it, 403
when it may not, never a 500. It walks the URL map, so every plugin inherits this test."""

from __future__ import annotations

import pytest

from core.identity.roles import BUILTIN_ROLES
from core.security import can, view_access


def _get_routes(app):
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static") or rule.arguments:
            continue
        if "GET" not in rule.methods:
            continue
        routes.append(rule)
    return sorted(routes, key=lambda r: r.rule)


@pytest.mark.parametrize("role", sorted(BUILTIN_ROLES))
def test_every_get_route_answers_as_declared_for_each_builtin_role(app, client, make_user, login_as,
                                                                    enable_plugin, role):
    engine = app.extensions["netsales"]
    for name in engine.loaded_names():
        if not engine.is_enabled(name):
            enable_plugin(name)
    user = make_user(f"as_{role}", roles=[role], locale="en")
    login_as(user)
    wrong = []
    for rule in _get_routes(app):
        access = view_access(app.view_functions[rule.endpoint])
        assert access is not None, f"{rule.rule} declares no access"
        kind, permission = access
        allowed = kind in ("public", "authenticated") or can(user, permission)
        try:
            status = client.get(rule.rule).status_code
        except Exception as exc:  # TESTING propagates errors: count them as the 500 a user would get
            status = f"500 ({type(exc).__name__}: {exc})"
        ok = isinstance(status, int) and ((status < 400 or status == 404) if allowed else status == 403)
        if not ok:
            wrong.append(f"{rule.rule} ({kind} {permission or ''}): {status}, expected {'2xx/3xx' if allowed else 403}")
    assert not wrong, "\n".join(wrong)
