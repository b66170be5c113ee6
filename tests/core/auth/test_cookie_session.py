"""The session cookie is verified once per distinct cookie (core/auth/cookie_session.py, issue 18): a remembered
cookie must still be refused when it is altered, too old or signed with a replaced key, and one request's changes to
its session must never reach another request that sends the same cookie."""

from flask.sessions import SecureCookieSessionInterface

from core.auth import cookie_session
from core.auth.cookie_session import VerifiedCookieSessionInterface


def signed_cookie(app, content):
    """The cookie Flask itself writes for ``content``."""
    return SecureCookieSessionInterface().get_signing_serializer(app).dumps(content)


def open_with(app, cookie):
    with app.test_request_context(headers={"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"}) as context:
        return app.session_interface.open_session(app, context.request)


def test_the_application_uses_the_remembering_interface(app):
    assert isinstance(app.session_interface, VerifiedCookieSessionInterface)


def test_the_same_cookie_gives_the_same_content_every_time(app):
    cookie = signed_cookie(app, {"_user_id": "7:token:secret", "_fresh": True})
    assert dict(open_with(app, cookie)) == {"_user_id": "7:token:secret", "_fresh": True}
    assert dict(open_with(app, cookie)) == {"_user_id": "7:token:secret", "_fresh": True}


def test_an_altered_cookie_is_refused_after_the_genuine_one_was_verified(app):
    cookie = signed_cookie(app, {"_user_id": "7:token:secret"})
    assert open_with(app, cookie).get("_user_id") == "7:token:secret"
    rest = cookie.partition(".")[2]
    forged = signed_cookie(app, {"_user_id": "8:token:secret"}).partition(".")[0] + "." + rest
    assert forged != cookie
    assert dict(open_with(app, forged)) == {}


def test_a_request_changing_its_session_leaves_the_next_request_its_own_copy(app):
    cookie = signed_cookie(app, {"_flashes": [("success", "Saved.")], "_user_id": "7:token:secret"})
    first = open_with(app, cookie)
    first["_flashes"].pop()  # what get_flashed_messages does
    first["_user_id"] = "changed"
    second = open_with(app, cookie)
    assert second["_flashes"] == [("success", "Saved.")]
    assert second["_user_id"] == "7:token:secret"


def test_a_remembered_cookie_expires_as_flask_would_expire_it(app, monkeypatch):
    cookie = signed_cookie(app, {"_user_id": "7:token:secret"})
    assert open_with(app, cookie).get("_user_id") == "7:token:secret"
    lifetime = app.permanent_session_lifetime.total_seconds()
    later = cookie_session.time.time() + lifetime + 60
    monkeypatch.setattr(cookie_session.time, "time", lambda: later)
    assert dict(open_with(app, cookie)) == {}


def test_a_replaced_secret_key_forgets_what_the_old_key_verified(app, monkeypatch):
    cookie = signed_cookie(app, {"_user_id": "7:token:secret"})
    assert open_with(app, cookie).get("_user_id") == "7:token:secret"
    monkeypatch.setattr(app, "secret_key", "another-key-entirely")
    assert dict(open_with(app, cookie)) == {}


def test_the_number_of_remembered_cookies_is_bounded(app, monkeypatch):
    monkeypatch.setattr(cookie_session, "MAX_REMEMBERED", 3)
    cookies = [signed_cookie(app, {"n": n}) for n in range(7)]
    for cookie in cookies:
        open_with(app, cookie)
    assert len(app.session_interface._verified) <= 3
    assert all(open_with(app, cookie)["n"] == n for n, cookie in enumerate(cookies))


def test_a_signed_in_browser_stays_signed_in_across_pages(client, make_user, login_as):
    login_as(make_user("zhangwei"))
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200
