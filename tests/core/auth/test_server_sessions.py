"""Server-side sessions (issue 11 F2): what ends a session ends every copy of its cookies — the session cookie and
the 30-day remember-me cookie — replayed from another browser. Logout (this session), ending one session or all of
them from the account page, a password change (the user's own, an administrator's reset, the CLI's) and
deactivation. API tokens are separate credentials and keep working (docs/operations.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.api.tokens import create_token
from core.auth.models import UserSession
from core.identity.models import User
from core.identity.users import deactivate_user, reactivate_user, set_password
from core.testing import TEST_PASSWORD
from core.timeutil import utcnow

NEW_PASSWORD = "Brand-new-secret-42"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.5 Mobile/15E148 Safari/604.1")


def sign_in(app, login, remember=True, user_agent=FIREFOX):
    """A browser that signed in with the form; returns it and copies of its two cookies."""
    browser = app.test_client()
    browser.environ_base["HTTP_USER_AGENT"] = user_agent
    answer = browser.post("/login", data={"login": login, "password": TEST_PASSWORD,
                                          **({"remember": "y"} if remember else {})})
    assert answer.status_code == 302, "the sign-in failed"
    cookies = {"session": browser.get_cookie("session").value}
    if remember:
        cookies["remember_token"] = browser.get_cookie("remember_token").value
    return browser, cookies


def replay(app, name, value):
    """A fresh browser holding only a copy of one cookie."""
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief


def reads_me(app, name, value):
    """Whether a copied cookie still reads /api/v1/me (the finding's reproduction)."""
    return replay(app, name, value).get("/api/v1/me").status_code == 200


def copies_work(app, cookies):
    return {name: reads_me(app, name, value) for name, value in cookies.items()}


def all_work(app, cookies):
    return copies_work(app, cookies) == dict.fromkeys(cookies, True)


def none_work(app, cookies):
    return copies_work(app, cookies) == dict.fromkeys(cookies, False)


def reload_user(db, login):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.login == login))


@pytest.fixture
def zhang(make_user):
    return make_user("zhangwei", locale="en")


# ---------------------------------------------------------------------------------------------------- what ends them


def test_logout_ends_every_copy_of_this_sessions_cookies_and_only_this_session(app, zhang):
    browser, cookies = sign_in(app, "zhangwei")
    _other, other_cookies = sign_in(app, "zhangwei")
    assert all_work(app, cookies)  # the copies work while the session lasts
    assert browser.post("/logout").status_code == 302
    assert none_work(app, cookies)
    assert all_work(app, other_cookies)  # the user's other browser is not signed out


def test_a_session_cookie_without_the_remember_me_cookie_ends_at_logout_too(app, zhang):
    browser, cookies = sign_in(app, "zhangwei", remember=False)
    assert all_work(app, cookies)
    browser.post("/logout")
    assert none_work(app, cookies)


def test_sign_out_everywhere_ends_every_session_this_one_included(app, zhang):
    here, here_cookies = sign_in(app, "zhangwei")
    _there, there_cookies = sign_in(app, "zhangwei", user_agent=IPHONE)
    assert all_work(app, here_cookies) and all_work(app, there_cookies)
    answer = here.post("/account/sessions/end-all")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert none_work(app, here_cookies) and none_work(app, there_cookies)
    assert here.get("/").status_code == 302
    assert sign_in(app, "zhangwei")[0].get("/").status_code == 200  # signing in again works


def test_changing_ones_password_ends_every_other_session_and_the_old_cookies_of_this_one(app, zhang):
    here, old_here_cookies = sign_in(app, "zhangwei")
    _there, there_cookies = sign_in(app, "zhangwei")
    answer = here.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert answer.status_code == 302
    assert none_work(app, there_cookies)
    assert none_work(app, old_here_cookies)  # a copy taken before the change is worthless
    assert here.get("/").status_code == 200  # this browser continues, in a new session
    new_cookies = {"session": here.get_cookie("session").value,
                   "remember_token": here.get_cookie("remember_token").value}
    assert all_work(app, new_cookies)


def test_an_administrators_password_reset_ends_every_session_of_the_user(app, zhang, make_user, login_as):
    _browser, cookies = sign_in(app, "zhangwei")
    assert all_work(app, cookies)
    admin = login_as(make_user("boss", roles=["admin"]))
    answer = admin.post(f"/admin/users/{zhang.id}/password", data={"password": NEW_PASSWORD})
    assert answer.status_code in (200, 302)
    assert none_work(app, cookies)


def test_a_password_set_from_the_command_line_ends_every_session(app, zhang, cli_runner):
    _browser, cookies = sign_in(app, "zhangwei")
    result = cli_runner("users", "set-password", "zhangwei", "--password", NEW_PASSWORD)
    assert result.exit_code == 0, result.output
    assert none_work(app, cookies)


def test_deactivation_ends_every_session_for_good(app, db, zhang, make_user, login_as):
    _browser, cookies = sign_in(app, "zhangwei")
    admin = login_as(make_user("boss", roles=["admin"]))
    assert admin.post(f"/admin/users/{zhang.id}/deactivate").status_code == 302
    assert none_work(app, cookies)
    reactivate_user(db.session, reload_user(db, "zhangwei"))  # coming back does not revive old cookies
    db.session.commit()
    assert none_work(app, cookies)


def test_the_services_end_sessions_whoever_calls_them(app, db, zhang):
    _a, by_deactivation = sign_in(app, "zhangwei")
    deactivate_user(db.session, reload_user(db, "zhangwei"))
    db.session.commit()
    assert none_work(app, by_deactivation)
    reactivate_user(db.session, reload_user(db, "zhangwei"))
    db.session.commit()
    _b, by_password = sign_in(app, "zhangwei")
    set_password(reload_user(db, "zhangwei"), NEW_PASSWORD)
    db.session.commit()
    assert none_work(app, by_password)
    assert db.session.scalar(select(func.count(UserSession.id))) == 0


def test_a_cookie_of_the_format_before_server_side_sessions_is_refused(app, zhang):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{zhang.id}:{zhang.session_token}"  # what versions before issue 11 wrote
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/").status_code == 302


def test_an_idle_session_ends_and_a_remembered_one_lasts_longer(app, zhang, monkeypatch):
    _a, browser_session = sign_in(app, "zhangwei", remember=False)
    _b, remembered = sign_in(app, "zhangwei", remember=True)
    later = utcnow() + timedelta(hours=app.config.get("SESSION_IDLE_HOURS", 12), minutes=1)
    monkeypatch.setattr("core.auth.sessions.utcnow", lambda: later)
    assert none_work(app, browser_session)
    assert all_work(app, remembered)
    # Idle since its last use (just now, at ``later``): the limit counts from there.
    much_later = later + timedelta(seconds=app.config["REMEMBER_COOKIE_DURATION"], minutes=1)
    monkeypatch.setattr("core.auth.sessions.utcnow", lambda: much_later)
    assert none_work(app, remembered)


def test_the_idle_sessions_job_deletes_only_ended_sessions(app, db, zhang):
    from core.auth.sessions import prune_idle_sessions

    sign_in(app, "zhangwei", remember=False)
    sign_in(app, "zhangwei", remember=True)
    assert prune_idle_sessions(db.session, utcnow()) == 0
    assert prune_idle_sessions(db.session, utcnow() + timedelta(hours=13)) == 1
    db.session.commit()
    assert db.session.scalar(select(UserSession.remember)) is True


# ---------------------------------------------------------------------------------------------------- API tokens


def test_api_tokens_survive_logout_sign_out_everywhere_and_a_password_change(app, db, zhang):
    _token, secret = create_token(db.session, zhang.id, "ci")
    db.session.commit()
    api = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    browser, _cookies = sign_in(app, "zhangwei")
    browser.post("/logout")
    assert api.get("/api/v1/me", headers=headers).status_code == 200
    browser, _cookies = sign_in(app, "zhangwei")
    browser.post("/account/sessions/end-all")
    assert api.get("/api/v1/me", headers=headers).status_code == 200
    set_password(reload_user(db, "zhangwei"), NEW_PASSWORD)
    db.session.commit()
    assert api.get("/api/v1/me", headers=headers).status_code == 200
    deactivate_user(db.session, reload_user(db, "zhangwei"))  # a deactivated user's tokens stop (test_auth.py)
    db.session.commit()
    assert api.get("/api/v1/me", headers=headers).status_code == 401


# ---------------------------------------------------------------------------------------------------- the page


def test_the_sessions_page_lists_where_the_user_is_signed_in(app, zhang):
    here, _cookies = sign_in(app, "zhangwei", user_agent=FIREFOX)
    sign_in(app, "zhangwei", user_agent=IPHONE)
    page = here.get("/account/sessions").get_data(as_text=True)
    assert "Firefox on Linux" in page and "Safari on iPhone" in page
    assert page.count("This device") == 1
    assert page.index("This device") < page.index("Safari on iPhone")  # this device first
    assert "127.0.0.1" in page
    assert "UTC" not in page and "Mozilla/5.0" not in page  # labels, not internals


def test_the_sessions_page_shows_times_in_the_company_zone_and_the_users_language(app, db, zhang):
    here, _cookies = sign_in(app, "zhangwei")
    signed_in_at = db.session.scalar(select(UserSession.created_at))
    page = here.get("/account/sessions").get_data(as_text=True)
    from zoneinfo import ZoneInfo

    local = signed_in_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(app.config["TIMEZONE"]))
    assert local.strftime("%-I:%M") in page  # English short format: "12/4/26, 9:41 PM" (Asia/Shanghai)
    zhang_cn = reload_user(db, "zhangwei")
    zhang_cn.locale = "zh_Hans"
    db.session.commit()
    assert "本设备" in here.get("/account/sessions").get_data(as_text=True)


def test_ending_another_session_from_the_page_signs_that_device_out(app, db, zhang):
    here, here_cookies = sign_in(app, "zhangwei")
    _there, there_cookies = sign_in(app, "zhangwei", user_agent=IPHONE)
    there_id = db.session.scalar(select(UserSession.id).where(UserSession.user_agent == IPHONE))
    answer = here.post(f"/account/sessions/{there_id}/end")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/account/sessions")
    assert none_work(app, there_cookies)
    assert all_work(app, here_cookies)
    assert "Safari on iPhone" not in here.get("/account/sessions").get_data(as_text=True)


def test_ending_this_session_from_the_page_signs_out(app, db, zhang):
    here, cookies = sign_in(app, "zhangwei")
    here_id = db.session.scalar(select(UserSession.id))
    answer = here.post(f"/account/sessions/{here_id}/end")
    assert "/login" in answer.headers["Location"]
    assert none_work(app, cookies)


def test_nobody_ends_another_persons_session(app, db, zhang, make_user):
    make_user("lisi")
    _victim, victim_cookies = sign_in(app, "lisi")
    victim_session = db.session.scalar(select(UserSession.id).join(User).where(User.login == "lisi"))
    attacker, _cookies = sign_in(app, "zhangwei")
    answer = attacker.post(f"/account/sessions/{victim_session}/end", follow_redirects=True)
    assert answer.status_code == 200 and "already ended" in answer.get_data(as_text=True)
    assert all_work(app, victim_cookies)


def test_the_sessions_page_and_its_actions_need_a_signed_in_user(app):
    client = app.test_client()
    assert "/login" in client.get("/account/sessions").headers["Location"]
    assert "/login" in client.post("/account/sessions/1/end").headers["Location"]
    assert "/login" in client.post("/account/sessions/end-all").headers["Location"]


def test_the_account_menu_and_the_password_page_link_the_sessions_page(app, zhang):
    here, _cookies = sign_in(app, "zhangwei")
    assert 'href="/account/sessions"' in here.get("/").get_data(as_text=True)
    assert 'href="/account/sessions"' in here.get("/account/password").get_data(as_text=True)


# ---------------------------------------------------------------------------------------------------- cost


def test_the_session_check_is_folded_into_the_user_load_and_writes_nothing_on_most_requests(
        app, zhang, count_queries):
    browser, _cookies = sign_in(app, "zhangwei")
    browser.get("/api/v1/me")
    with count_queries() as statements:
        assert browser.get("/api/v1/me").status_code == 200
    touching = [s for s in statements if "core_user_session" in s]
    assert len(touching) == 1 and "core_user" in touching[0].split("core_user_session")[0]
    assert not [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]


def test_last_seen_is_written_at_most_every_few_minutes(app, db, zhang, monkeypatch, count_queries):
    browser, _cookies = sign_in(app, "zhangwei")
    first_seen = db.session.scalar(select(UserSession.last_seen_at))
    later = utcnow() + timedelta(minutes=6)
    monkeypatch.setattr("core.auth.sessions.utcnow", lambda: later)
    with count_queries() as statements:
        browser.get("/api/v1/me")
        browser.get("/api/v1/me")
    assert len([s for s in statements if s.lstrip().upper().startswith("UPDATE")]) == 1
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.last_seen_at)) == later != first_seen


def test_a_user_keeps_at_most_the_newest_sessions(app, db, zhang):
    app.config["MAX_SESSIONS_PER_USER"] = 3
    browsers = [sign_in(app, "zhangwei") for _ in range(4)]
    assert db.session.scalar(select(func.count(UserSession.id))) == 3
    assert none_work(app, browsers[0][1])
    assert all_work(app, browsers[-1][1])


def test_noting_the_use_of_a_session_does_not_get_in_the_way_of_the_requests_own_writes(app, db, zhang, monkeypatch):
    here, here_cookies = sign_in(app, "zhangwei")
    _there, there_cookies = sign_in(app, "zhangwei", user_agent=IPHONE)
    there_id = db.session.scalar(select(UserSession.id).where(UserSession.user_agent == IPHONE))
    later = utcnow() + timedelta(minutes=6)
    monkeypatch.setattr("core.auth.sessions.utcnow", lambda: later)
    assert here.post(f"/account/sessions/{there_id}/end").status_code == 302  # a write, and a due note
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.last_seen_at)) == later
    assert none_work(app, there_cookies) and all_work(app, here_cookies)
