"""Bearer-token authentication (issue 3): a token acts as its user, with exactly that user's permissions; an
unknown, revoked or expired token, or a deactivated user, gets 401 in the one error format."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.api.tokens import revoke_token
from core.auth.sessions import new_session_identity
from core.timeutil import utcnow
from tests.core.api.conftest import error_of


def test_a_token_authenticates_as_its_user_without_a_session(app, client, make_user, bearer):
    user = make_user("zhang.wei", roles=["sales_supervisor"], name="张伟")
    answer = client.get("/api/v1/me", headers=bearer(user))
    assert answer.status_code == 200
    me = answer.get_json()
    assert (me["id"], me["login"], me["name"], me["roles"]) == (user.id, "zhang.wei", "张伟", ["sales_supervisor"])
    assert me["is_admin"] is False
    assert "Set-Cookie" not in answer.headers  # nothing is remembered between token requests


def test_without_credentials_the_api_answers_401_not_a_login_redirect(app, client):
    answer = client.get("/api/v1/me")
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    error_of(answer)


@pytest.mark.parametrize("header", [
    "Bearer nsk_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + "nsk_" + "x" * 500, "nsk_abc",
])
def test_unknown_or_malformed_tokens_get_401(app, client, header):
    answer = client.get("/api/v1/me", headers={"Authorization": header})
    assert answer.status_code == 401
    error_of(answer)


def test_revoked_and_expired_tokens_get_401(app, db, client, make_user, make_token):
    user = make_user()
    revoked, revoked_secret = make_token(user, name="old")
    revoke_token(db.session, revoked)
    expiring, expiring_secret = make_token(user, name="short", expires_at=utcnow() + timedelta(hours=1))
    expiring.expires_at = utcnow() - timedelta(seconds=1)  # time has passed
    db.session.commit()
    for secret in (revoked_secret, expiring_secret):
        answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        assert answer.status_code == 401
        assert 'error="invalid_token"' in answer.headers["WWW-Authenticate"]
        error_of(answer)


def test_a_deactivated_users_tokens_stop_working(app, db, client, make_user, make_token):
    user = make_user()
    _token, secret = make_token(user)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_token_has_exactly_its_users_permissions(app, db, client, make_user, bearer, hello):
    nobody = make_user("nobody", roles=[])
    rep = make_user("rep", roles=["sales_rep"])
    assert client.get("/api/v1/hello/greetings", headers=bearer(nobody)).status_code == 403
    assert client.post("/api/v1/hello/greetings", json={"text": "hi"}, headers=bearer(nobody)).status_code == 403
    assert client.get("/api/v1/hello/greetings", headers=bearer(rep)).status_code == 200
    me = client.get("/api/v1/me", headers=bearer(rep)).get_json()
    assert me["permissions"]["hello.greeting.view"] == "own"


def test_a_token_does_not_reach_the_html_pages(app, client, make_user, bearer):
    # Tokens are for the API: a page answers as to an anonymous visitor (the sign-in redirect).
    assert client.get("/account/tokens", headers=bearer(make_user())).status_code == 302


def test_token_requests_need_no_csrf_but_session_requests_to_the_api_do(make_app, make_user, hello):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from core.setup import enable_plugins

        enable_plugins(app, "hello")
        user = make_user("writer")
        from core.api.tokens import create_token
        from core.extensions import db

        _token, secret = create_token(db.session, user.id, "ci")
        db.session.commit()
        session_key = new_session_identity(user)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/hello/greetings", json={"text": "by token"}, headers=headers).status_code == 201

    with client.session_transaction() as session:
        session["_user_id"] = session_key
    refused = client.post("/api/v1/hello/greetings", json={"text": "forged"})
    assert refused.status_code == 400
    error_of(refused)
    assert client.get("/api/v1/me").status_code == 200  # reading with the session is fine
