"""Sessions (issue 3 §4): signing in and out, changing one's password, and what ends a session — a password change
or deactivation ends every other session, the remember-me cookie included; a restart ends none."""

import pytest
from sqlalchemy import select

from core.identity.models import User
from core.identity.passwords import verify_password
from core.identity.users import set_password
from core.testing import TEST_PASSWORD

NEW_PASSWORD = "Brand-new-secret-42"


def sign_in(client, login, password=TEST_PASSWORD, remember=False):
    data = {"login": login, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def is_signed_in(client):
    return client.get("/").status_code == 200


def reload_user(db, login):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.login == login))


def test_sign_in_and_sign_out(client, make_user):
    make_user("zhangwei")
    assert not is_signed_in(client)
    assert sign_in(client, "zhangwei").status_code == 302
    assert is_signed_in(client)
    assert client.post("/logout").status_code == 302
    assert not is_signed_in(client)


def test_logout_is_post_only(client, make_user, login_as):
    login_as(make_user("zhangwei"))
    assert client.get("/logout").status_code == 405
    assert is_signed_in(client)


def test_an_inactive_user_cannot_sign_in_and_gets_the_usual_answer(client, make_user, db):
    user = make_user("zhangwei")
    user.active = False
    db.session.commit()
    answer = sign_in(client, "zhangwei")
    assert answer.status_code == 200
    assert "登录名或密码错误" in answer.get_data(as_text=True)
    assert not is_signed_in(client)


def test_changing_the_password_ends_other_sessions_and_keeps_this_one(app, make_user, db):
    make_user("zhangwei")
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, "zhangwei")
    sign_in(elsewhere, "zhangwei")
    answer = here.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert answer.status_code == 302
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert verify_password(reload_user(db, "zhangwei").password_hash, NEW_PASSWORD)
    fresh = app.test_client()
    assert sign_in(fresh, "zhangwei").status_code == 200  # the old password no longer works
    assert sign_in(fresh, "zhangwei", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(("fields", "field_with_error"), [
    ({"current_password": "Not-my-password-1", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
     "current_password"),
    ({"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm": "Something-else-42"}, "confirm"),
    ({"current_password": TEST_PASSWORD, "new_password": "short1", "confirm": "short1"}, "new_password"),
    ({"current_password": TEST_PASSWORD, "new_password": "onlyletterslong", "confirm": "onlyletterslong"},
     "new_password"),
    ({"current_password": TEST_PASSWORD, "new_password": TEST_PASSWORD, "confirm": TEST_PASSWORD}, "new_password"),
    ({"current_password": "", "new_password": "", "confirm": ""}, "current_password"),
])
def test_a_refused_password_change_says_why_next_to_the_field_and_changes_nothing(
        client, make_user, login_as, db, fields, field_with_error):
    user = make_user("zhangwei")
    login_as(user)
    answer = client.post("/account/password", data=fields)
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    label_at = page.index(f'for="{field_with_error}"')
    error_at = page.index('class="field-error"', label_at)
    assert page.find("<label", label_at + 1) == -1 or error_at < page.find("<label", label_at + 1)
    assert verify_password(reload_user(db, "zhangwei").password_hash, TEST_PASSWORD)
    assert is_signed_in(client)


def test_guessing_the_current_password_is_throttled(client, make_user, login_as, db):
    login_as(make_user("zhangwei"))
    wrong = {"current_password": "Guess-number-1", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    statuses = [client.post("/account/password", data=wrong).status_code for _ in range(5)]
    assert statuses == [200] * 5
    right = {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post("/account/password", data=right).status_code == 429
    assert verify_password(reload_user(db, "zhangwei").password_hash, TEST_PASSWORD)


def test_the_password_page_needs_a_signed_in_user(client):
    answer = client.get("/account/password")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_deactivation_ends_every_session(app, client, make_user, db):
    user = make_user("zhangwei")
    sign_in(client, "zhangwei", remember=True)
    assert is_signed_in(client)
    user.active = False
    db.session.commit()
    assert not is_signed_in(client)


def test_the_remember_me_cookie_signs_in_again_until_the_password_changes(app, make_user, db):
    make_user("zhangwei")
    first = app.test_client()
    sign_in(first, "zhangwei", remember=True)
    remember = first.get_cookie("remember_token")
    assert remember is not None and remember.http_only

    def browser_restarted():  # the session cookie is gone; only the remember-me cookie is left
        client = app.test_client()
        client.set_cookie("remember_token", remember.value)
        return client

    assert is_signed_in(browser_restarted())
    set_password(reload_user(db, "zhangwei"), NEW_PASSWORD)
    db.session.commit()
    assert not is_signed_in(browser_restarted())


def test_a_password_change_renews_this_browsers_remember_me_cookie(app, make_user):
    make_user("zhangwei")
    client = app.test_client()
    sign_in(client, "zhangwei", remember=True)
    old = client.get_cookie("remember_token").value
    client.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    new = client.get_cookie("remember_token")
    assert new is not None and new.value != old
    restarted = app.test_client()
    restarted.set_cookie("remember_token", new.value)
    assert is_signed_in(restarted)


def test_sessions_survive_a_restart(make_app, make_user, monkeypatch, tmp_path):
    # The embedded default keeps a generated secret key in the instance folder (no SECRET_KEY configured).
    monkeypatch.setenv("NETSALES_INSTANCE_PATH", str(tmp_path / "instance-restart"))
    before = make_app(SECRET_KEY="")
    with before.app_context():
        make_user("zhangwei")
    client = before.test_client()
    assert sign_in(client, "zhangwei").status_code == 302
    cookie = client.get_cookie("session")
    after = make_app(SECRET_KEY="")  # a new process on the same instance
    assert after.secret_key == before.secret_key and after.secret_key
    restarted = after.test_client()
    restarted.set_cookie("session", cookie.value)
    assert is_signed_in(restarted)
