"""In-app notifications (issue 4): stored as msgid + params, shown in the reader's language; unread count; the
/notifications page (mark one or all read, paginated); the "also by email" choice."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import lazy_gettext as _l
from flask_login import login_user
from sqlalchemy import func, select

from core.extensions import db
from core.notifications import notify
from core.notifications.models import EmailOutbox, Notification
from core.notifications.service import wants_email

# A msgid of the core catalogue, with a parameter, so both languages are known.
MESSAGE = _l("Marked %(count)s notifications as read.")


def test_the_message_is_stored_in_english_and_shown_in_each_readers_language(app, client, make_user, login_as):
    english = make_user("alice", locale="en")
    chinese = make_user("bo", locale="zh_Hans")
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        for user in (english, chinese):
            notify(user, MESSAGE, "/notifications", count=3)  # sent from a Chinese page: still stored in English
    db.session.commit()
    stored = db.session.scalars(select(Notification.message)).all()
    assert stored == ["Marked %(count)s notifications as read."] * 2

    login_as(english)
    assert "Marked 3 notifications as read." in client.get("/notifications/").get_data(as_text=True)
    login_as(chinese)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Marked 3 notifications" not in page
    assert "3" in page and "已读" in page


def test_notify_takes_only_local_links(app, make_user):
    user = make_user()
    for url in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        with pytest.raises(ValueError):
            notify(user, "Hello", url)


def test_the_unread_count_is_offered_to_templates(app, make_user):
    user = make_user()
    other = make_user()
    for _ in range(2):
        notify(user, "Something happened")
    notify(other, "Something else")
    db.session.commit()
    with app.test_request_context():
        assert render_template_string("{{ unread_notifications }}") == "0"  # signed out
    with app.test_request_context():
        login_user(user)
        assert render_template_string("{% if unread_notifications %}{{ unread_notifications }}{% endif %}") == "2"


def test_mark_one_and_all_read(app, client, make_user, login_as):
    user = make_user(locale="en")
    intruder = make_user()
    first = notify(user, "First", "/notifications/?from=first")
    notify(user, "Second")
    db.session.commit()

    login_as(intruder)
    assert client.post(f"/notifications/{first.id}/read").status_code == 404  # not theirs
    login_as(user)
    opened = client.post(f"/notifications/{first.id}/read", data={"open": "1"})
    assert opened.status_code == 302 and opened.headers["Location"] == "/notifications/?from=first"
    db.session.expire_all()
    assert db.session.get(Notification, first.id).read_at is not None
    page = client.post("/notifications/read-all", follow_redirects=True).get_data(as_text=True)
    assert "Marked 1 notifications as read." in page
    unread = db.session.scalar(select(func.count()).select_from(Notification).where(Notification.read_at.is_(None)))
    assert unread == 0


def test_the_list_is_paginated_newest_first_with_an_empty_state(app, client, make_user, login_as):
    user = make_user(locale="en")
    login_as(user)
    assert "You have no notifications." in client.get("/notifications/").get_data(as_text=True)
    for n in range(30):
        notify(user, "Number %(n)s", n=n)
    db.session.commit()
    first = client.get("/notifications/").get_data(as_text=True)
    assert "Number 29<" in first and "Number 5<" in first and "Number 4<" not in first and "Page 1 of 2" in first
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert "Number 4<" in second and "Number 0<" in second and "Number 5<" not in second


def test_the_email_choice_is_saved_and_followed(app, client, make_user, login_as):
    user = make_user(email="bo@example.com", locale="zh_Hans")
    nobody = make_user(email=None)
    login_as(user)
    client.post("/notifications/preferences", data={"email": "1"})
    assert wants_email(user)
    notify(user, MESSAGE, "/notifications", count=2)
    db.session.commit()
    mail = db.session.scalar(select(EmailOutbox))
    assert mail.to == "bo@example.com"
    assert "2" in mail.subject and "Marked" not in mail.subject  # in the recipient's language
    assert "/notifications" in mail.body_text

    notify(user, "Quiet", email=False)
    login_as(nobody)
    page = client.post("/notifications/preferences", data={"email": "1"}, follow_redirects=True)
    assert "no email address" in page.get_data(as_text=True) or "电子邮件" in page.get_data(as_text=True)
    assert not wants_email(nobody)
    client.post("/notifications/preferences", data={})
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(EmailOutbox)) == 1


def test_the_notifications_page_needs_a_signed_in_user(client):
    assert client.get("/notifications/").status_code == 302


def test_the_page_makes_the_same_number_of_queries_whatever_the_number_of_notifications(
        app, client, make_user, login_as):
    from sqlalchemy import event

    user = make_user(locale="en")
    login_as(user)

    def queries() -> int:
        seen = []

        def listener(*args: object) -> None:
            seen.append(1)

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/notifications/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    notify(user, "One")
    db.session.commit()
    few = queries()
    for n in range(20):
        notify(user, "Number %(n)s", "/notifications", n=n)
    db.session.commit()
    assert queries() == few
