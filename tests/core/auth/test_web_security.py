"""Web security of every page (issue 3 §4 and "Done means"): CSRF on state-changing forms, the Content Security
Policy and other headers, cookie flags, and no open redirect through ``next=``."""

import re

import pytest
from sqlalchemy import func, select

from core.auth.models import LoginAttempt
from core.auth.redirects import is_safe_path
from core.auth.sessions import new_session_identity
from core.identity.models import User
from core.identity.passwords import verify_password
from core.testing import TEST_PASSWORD

NEW_PASSWORD = "Brand-new-secret-42"
HOSTILE_NEXT = ["//evil.com", "https://evil.com", "/\\evil.com", "javascript:alert(1)", "/\t/evil.com",
                "http:evil.com", "\\\\evil.com", "///evil.com", " //evil.com", "evil.com"]


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


# ----------------------------------------------------------------------------------------------------------- CSRF


def test_the_login_form_is_refused_without_its_csrf_token(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_user("zhangwei")
    client = app.test_client()
    refused = client.post("/login", data={"login": "zhangwei", "password": TEST_PASSWORD})
    assert refused.status_code == 400
    assert client.get("/").status_code == 302  # not signed in
    token = csrf_token(client.get("/login").get_data(as_text=True))
    accepted = client.post("/login", data={"login": "zhangwei", "password": TEST_PASSWORD, "csrf_token": token})
    assert accepted.status_code == 302
    assert client.get("/").status_code == 200


def test_the_password_form_is_refused_without_its_csrf_token(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        key = new_session_identity(make_user("zhangwei"))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = key
    refused = client.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert refused.status_code == 400
    with app.app_context():
        from core.extensions import db

        user = db.session.scalar(select(User).where(User.login == "zhangwei"))
        assert verify_password(user.password_hash, TEST_PASSWORD)
    assert client.get("/").status_code == 200  # still signed in: nothing happened


def test_a_cross_site_sign_out_is_refused(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        key = new_session_identity(make_user("zhangwei"))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = key
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_every_page_form_that_posts_carries_a_csrf_token(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        key = new_session_identity(make_user("boss", roles=["admin"]))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = key
    for path in ("/", "/account/password", "/admin/audit/"):
        page = client.get(path).get_data(as_text=True)
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", page, flags=re.S | re.I):
            assert 'name="csrf_token"' in form, f"{path}: a POST form without a CSRF token"


# -------------------------------------------------------------------------------------------------------- headers


@pytest.mark.parametrize("path", ["/login", "/", "/account/password", "/admin/audit/", "/no/such/page"])
def test_pages_carry_a_csp_that_allows_no_inline_script(client, make_user, login_as, path):
    login_as(make_user("boss", roles=["admin"]))
    answer = client.get(path)
    csp = answer.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    page = answer.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page), "inline script"
    assert not re.search(r"\sstyle=\"", page), "inline style attribute"
    assert not re.search(r"\son[a-z]+=\"", page), "inline event handler"


def test_signed_in_pages_are_not_cached_and_the_login_page_may_be(client, make_user, login_as):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login_as(make_user("zhangwei"))
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_production_adds_hsts_and_secure_cookies(make_app, make_user):
    app = make_app(PRODUCTION=True, SECRET_KEY="a-production-secret", SESSION_COOKIE_SECURE=False)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    with app.app_context():
        make_user("zhangwei")
    client = app.test_client()
    answer = client.post("/login", data={"login": "zhangwei", "password": TEST_PASSWORD, "remember": "y"},
                         base_url="https://localhost")
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    cookies = answer.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c and "SameSite=Lax" in c for c in cookies)


def test_cookies_are_http_only_and_same_site_lax(client, make_user):
    make_user("zhangwei")
    answer = client.post("/login", data={"login": "zhangwei", "password": TEST_PASSWORD, "remember": "y"})
    cookies = answer.headers.getlist("Set-Cookie")
    assert {c.split("=", 1)[0] for c in cookies} >= {"session", "remember_token"}
    assert all("HttpOnly" in c and "SameSite=Lax" in c for c in cookies)
    assert "Strict-Transport-Security" not in answer.headers  # plain HTTP on the embedded default


# ------------------------------------------------------------------------------------------------ open redirects


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_signing_in_never_redirects_off_site(client, make_user, target):
    make_user("zhangwei")
    answer = client.post("/login", query_string={"next": target},
                         data={"login": "zhangwei", "password": TEST_PASSWORD})
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_a_signed_in_visit_to_the_login_page_never_redirects_off_site(client, make_user, login_as, target):
    login_as(make_user("zhangwei"))
    answer = client.get("/login", query_string={"next": target})
    assert answer.headers["Location"] == "/"


def test_a_local_next_is_followed(client, make_user):
    make_user("zhangwei")
    answer = client.post("/login", query_string={"next": "/account/password?from=menu"},
                         data={"login": "zhangwei", "password": TEST_PASSWORD})
    assert answer.headers["Location"] == "/account/password?from=menu"


def test_safe_paths():
    assert is_safe_path("/crm/customers?page=2#top")
    assert not any(is_safe_path(t) for t in [*HOSTILE_NEXT, "", None, "/ok\r\nSet-Cookie: x=1"])


def test_a_refused_form_records_no_attempt(client, db):
    client.post("/login", data={"login": "", "password": ""})
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_gunicorn_started_directly_does_not_name_itself_either(monkeypatch):
    # `netsales run` and `--dev` are tested end to end in tests/core/test_cli.py; this is `gunicorn 'core:create_app()'`.
    import gunicorn.http.wsgi as wsgi

    from core.web.headers import hide_server_software

    monkeypatch.setattr(wsgi, "SERVER", "gunicorn")
    hide_server_software()
    assert wsgi.SERVER == "NetSales"
