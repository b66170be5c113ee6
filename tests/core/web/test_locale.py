"""The language switch: POST /locale saves the choice (per user when signed in); first visit follows the browser;
Chinese is the default (DESIGN.md "Who uses it")."""

from __future__ import annotations

import re

from core.extensions import db
from core.identity.models import User


def page_language(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_chinese_by_default_and_the_browser_language_on_a_first_visit(client):
    assert page_language(client.get("/login")) == "zh-CN"
    assert page_language(client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})) == "en"
    assert page_language(client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})) == "zh-CN"
    assert page_language(client.get("/login", headers={"Accept-Language": "fr-FR"})) == "zh-CN"


def test_before_signing_in_the_choice_is_kept_in_the_session(client):
    response = client.post("/locale", data={"locale": "en", "next": "/login?next=%2F"})
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=%2F"
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en"' in html and "Sign in" in html
    # The switch names each language in that language and marks the current one.
    assert re.search(r'value="en"[^>]*class="link current"', html)
    assert "简体中文" in html


def test_a_signed_in_users_choice_is_saved_on_the_user(client, make_user, login_as):
    user = make_user("li", roles=["sales_rep"])
    login_as(user)
    client.post("/locale", data={"locale": "en", "next": "/"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
    assert page_language(client.get("/")) == "en"
    # Another browser (no session choice, a Chinese browser) still gets the user's language.
    other = client.application.test_client()
    login_as(user, on=other)
    assert page_language(other.get("/", headers={"Accept-Language": "zh-CN"})) == "en"
    client.post("/locale", data={"locale": "zh_Hans"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "zh_Hans"


def test_unknown_languages_and_foreign_redirects_are_refused(client):
    assert client.post("/locale", data={"locale": "xx"}).status_code == 400
    assert client.post("/locale", data={}).status_code == 400
    response = client.post("/locale", data={"locale": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.post("/locale", data={"locale": "en", "next": "//evil.example"}).headers["Location"] == "/"


def test_the_switch_needs_a_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post("/locale", data={"locale": "en"}).status_code == 400
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert client.post("/locale", data={"locale": "en", "csrf_token": token}).status_code == 302
