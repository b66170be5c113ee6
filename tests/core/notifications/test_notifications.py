"""In-app notifications (issue 4): stored as msgid + params, shown in the reader's language; unread count; the
/notifications page (mark one or all read, paginated) and its archive of read ones (issue 12); the "also by email"
choice."""

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
    assert "You have no unread notifications." in client.get("/notifications/").get_data(as_text=True)
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


def test_read_notifications_go_to_the_archive_and_the_badge_counts_unread_only(app, client, make_user, login_as):
    """Issue 12: "mark all read" and an archive. The unread page lists what waits; reading one, or all, moves it to
    /notifications/archive (most recently read first); the header's badge counts the unread ones only."""
    user = make_user(locale="en")
    other = make_user(locale="en")
    first = notify(user, "Alpha call")
    notify(user, "Bravo call")
    notify(user, "Charlie call")
    notify(other, "Not yours")
    db.session.commit()
    login_as(user)

    def badge(html: str) -> str | None:
        marker = 'class="badge" aria-label="'
        return html[html.index(marker):].split(">", 1)[1].split("<", 1)[0] if marker in html else None

    inbox = client.get("/notifications/").get_data(as_text=True)
    assert badge(inbox) == "3" and "Alpha call" in inbox and "Charlie call" in inbox and "Not yours" not in inbox
    assert "Unread (3)" in inbox
    assert "Alpha call" not in client.get("/notifications/archive").get_data(as_text=True)

    client.post(f"/notifications/{first.id}/read")
    inbox = client.get("/notifications/").get_data(as_text=True)
    archive = client.get("/notifications/archive").get_data(as_text=True)
    assert "Alpha call" not in inbox and "Bravo call" in inbox and badge(inbox) == "2"
    assert "Alpha call" in archive and "Bravo call" not in archive and badge(archive) == "2"

    page = client.post("/notifications/read-all", follow_redirects=True).get_data(as_text=True)
    assert "Marked 2 notifications as read." in page and "You have no unread notifications." in page
    assert badge(page) is None  # nothing unread: no badge
    archive = client.get("/notifications/archive").get_data(as_text=True)
    assert all(text in archive for text in ("Alpha call", "Bravo call", "Charlie call"))
    assert "Not yours" not in archive and "Mark all as read" not in archive
    assert archive.index("Charlie call") < archive.index("Alpha call")  # most recently read first


def test_the_archive_is_paginated_and_needs_a_signed_in_user(app, client, make_user, login_as):
    assert client.get("/notifications/archive").status_code == 302
    user = make_user(locale="en")
    login_as(user)
    assert "Notifications you have read are kept here." in client.get("/notifications/archive").get_data(
        as_text=True)
    for n in range(30):
        notify(user, "Number %(n)s", n=n)
    db.session.commit()
    client.post("/notifications/read-all")
    first = client.get("/notifications/archive").get_data(as_text=True)
    assert "Page 1 of 2" in first and first.count("Number ") == 25
    assert 'href="/notifications/archive?page=2"' in first
    second = client.get("/notifications/archive?page=9").get_data(as_text=True)  # past the end: the last page
    assert "Page 2 of 2" in second and second.count("Number ") == 5


def test_the_badge_count_comes_with_the_user_and_is_read_afresh_after_a_change_in_the_request(app, make_user):
    """The badge's count is read in the statement that loads the signed-in user (issue 18); a notification added
    or read later in the same request is counted afresh, not taken from that earlier read."""
    from core.auth.sessions import load_user, new_session_identity, signed_in_figure
    from core.notifications.service import UNREAD_FIGURE, mark_all_read, unread_count

    user = make_user(locale="en")
    notify(user, "Before")
    db.session.commit()
    identity = new_session_identity(user)
    with app.test_request_context():
        assert load_user(identity) is not None
        assert signed_in_figure(UNREAD_FIGURE, user.id) == 1 and unread_count(user) == 1
        notify(user, "During")
        assert signed_in_figure(UNREAD_FIGURE, user.id) is None and unread_count(user) == 2
    with app.test_request_context():
        assert load_user(identity) is not None and unread_count(user) == 2
        mark_all_read(user)
        assert unread_count(user) == 0
