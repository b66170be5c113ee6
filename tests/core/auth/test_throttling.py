"""Sign-in throttling by account and by address (issue 3 §4): the answers never reveal whether an account exists,
the locks expire, and they hold across app processes because they live in the database."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.auth.models import LoginAttempt
from core.auth.throttle import prune, record_failure
from core.testing import TEST_PASSWORD
from core.timeutil import utcnow

WRONG = "Wrong-password-1"


def attempt(client, login, password, address="10.0.0.1", **extra):
    return client.post("/login", data={"login": login, "password": password},
                       environ_base={"REMOTE_ADDR": address}, **extra)


def message(response):
    """What the page tells the user: its flash messages and field errors."""
    page = response.get_data(as_text=True)
    shown = re.findall(r'<div class="flash [^"]*"[^>]*>(.*?)</div>|<p class="field-error"[^>]*>(.*?)</p>', page,
                       flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", flash or error).split()) for flash, error in shown]


def shift_attempts(db, minutes):
    """Move every recorded attempt ``minutes`` into the past (the clock moving on)."""
    for row in db.session.scalars(select(LoginAttempt)):
        row.at -= timedelta(minutes=minutes)
    db.session.commit()


def signed_in(client):
    return client.get("/").status_code == 200


def test_a_wrong_password_and_an_unknown_login_get_the_same_answer(client, make_user):
    make_user("zhangwei")
    known = attempt(client, "zhangwei", WRONG)
    unknown = attempt(client, "nobody", WRONG)
    assert known.status_code == unknown.status_code == 200
    assert message(known) == message(unknown) == ["登录名或密码错误。"]


def test_the_right_password_signs_in_and_clears_the_accounts_counter(app, client, make_user, db):
    make_user("zhangwei")
    for _ in range(4):
        attempt(client, "zhangwei", WRONG)
    assert attempt(client, "zhangwei", TEST_PASSWORD).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.login == "zhangwei")) == 0
    client.post("/logout")
    for _ in range(4):  # 8 failures in the window, but the success in between reset the account's count
        attempt(client, "zhangwei", WRONG)
    assert attempt(client, "zhangwei", TEST_PASSWORD).status_code == 302


@pytest.mark.parametrize("login", ["zhangwei", "nobody"])
def test_an_account_is_locked_after_five_failures_known_or_not(client, make_user, login):
    make_user("zhangwei")
    answers = [attempt(client, login, WRONG) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    refused = attempt(client, login, TEST_PASSWORD)  # even the right password is refused while locked
    assert refused.status_code == 429
    assert message(refused) == ["尝试次数过多，请在 15 分钟后再试。"]
    assert not signed_in(client)
    # Another login from another address is not affected by this account's lock.
    make_user("lina")
    assert attempt(client, "lina", TEST_PASSWORD, address="10.0.0.2").status_code == 302


def test_locked_answers_are_the_same_for_existing_and_unknown_accounts(client, make_user):
    make_user("zhangwei")
    for login in ("zhangwei", "nobody"):
        for _ in range(5):
            attempt(client, login, WRONG)
    known, unknown = attempt(client, "zhangwei", WRONG), attempt(client, "nobody", WRONG)
    assert known.status_code == unknown.status_code == 429
    assert message(known) == message(unknown) == ["尝试次数过多，请在 15 分钟后再试。"]


def test_logins_differing_in_case_or_spaces_share_one_counter(client, make_user):
    make_user("zhangwei")
    for login in ("zhangwei", "ZhangWei", " zhangwei ", "ZHANGWEI", "zhangwei"):
        attempt(client, login, WRONG)
    assert attempt(client, "zhangwei", TEST_PASSWORD).status_code == 429


def test_an_address_is_locked_after_its_failures_whatever_the_logins(app, make_app, make_user):
    assert app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] == 20  # the default; fewer here to keep the test quick
    client = make_app(LOGIN_MAX_FAILURES_PER_ADDRESS=6).test_client()
    make_user("zhangwei")
    for n in range(6):
        attempt(client, f"guess{n}", WRONG, address="192.0.2.7")
    assert attempt(client, "zhangwei", TEST_PASSWORD, address="192.0.2.7").status_code == 429
    assert attempt(client, "zhangwei", TEST_PASSWORD, address="192.0.2.8").status_code == 302


def test_a_lock_expires_after_the_lockout_period(client, make_user, db):
    make_user("zhangwei")
    for _ in range(5):
        attempt(client, "zhangwei", WRONG)
    assert attempt(client, "zhangwei", TEST_PASSWORD).status_code == 429
    shift_attempts(db, 14)
    still = attempt(client, "zhangwei", TEST_PASSWORD)
    assert still.status_code == 429 and message(still) == ["尝试次数过多，请在 1 分钟后再试。"]
    shift_attempts(db, 2)
    assert attempt(client, "zhangwei", TEST_PASSWORD).status_code == 302


def test_failures_spread_wider_than_the_window_do_not_lock(client, make_user, db):
    make_user("zhangwei")
    for _ in range(4):
        attempt(client, "zhangwei", WRONG)
    shift_attempts(db, 16)
    assert attempt(client, "zhangwei", WRONG).status_code == 200  # the fifth, but the others are too old
    assert attempt(client, "zhangwei", TEST_PASSWORD).status_code == 302


def test_the_limits_come_from_the_configuration(make_app, make_user):
    app = make_app(LOGIN_MAX_FAILURES_PER_ACCOUNT=2)
    with app.app_context():
        make_user("zhangwei")
    client = app.test_client()
    assert [attempt(client, "zhangwei", WRONG).status_code for _ in range(2)] == [200, 429]


def test_throttling_holds_across_app_processes(make_app, make_user):
    first, second = make_app(), make_app()
    with first.app_context():
        make_user("zhangwei")
    for app in (first, second, first, second, first):
        attempt(app.test_client(), "zhangwei", WRONG)
    assert attempt(second.test_client(), "zhangwei", TEST_PASSWORD).status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(make_app, make_user):
    app = make_app(TRUSTED_PROXY_COUNT=1, LOGIN_MAX_FAILURES_PER_ADDRESS=3)
    with app.app_context():
        make_user("zhangwei")
    client = app.test_client()
    for n in range(3):  # the proxy's own address is shared by everyone; the client's is the forwarded one
        attempt(client, f"guess{n}", WRONG, address="10.9.9.9",
                headers={"X-Forwarded-For": "1.2.3.4, 203.0.113.5"})
    blocked = attempt(client, "zhangwei", TEST_PASSWORD, address="10.9.9.9",
                      headers={"X-Forwarded-For": "203.0.113.5"})
    assert blocked.status_code == 429
    other = attempt(client, "zhangwei", TEST_PASSWORD, address="10.9.9.9",
                    headers={"X-Forwarded-For": "203.0.113.6"})
    assert other.status_code == 302


def test_old_attempts_are_pruned(app, db):
    now = utcnow()
    record_failure(db.session, "old", "10.0.0.1", now=now - timedelta(hours=2))
    db.session.commit()
    record_failure(db.session, "new", "10.0.0.1", now=now)
    db.session.commit()
    assert db.session.scalars(select(LoginAttempt.login)).all() == ["new"]
    assert prune(db.session, now + timedelta(hours=1)) == 1
