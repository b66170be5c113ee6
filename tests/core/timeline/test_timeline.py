"""The record timeline: comments with @mentions that notify, attachments, audit changes and plugins' entries in
time order (issue 4: "On any record page, see its timeline")."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask import render_template_string
from flask_login import login_user
from sqlalchemy import event, func, select
from werkzeug.datastructures import FileStorage

from core.attachments import attach
from core.contracts import TimelineEntry
from core.notifications.models import Notification
from core.timeline import CommentError, add_comment, comments_for, timeline_for
from core.timeline.mentions import mentioned_logins
from core.timeline.models import Comment
from core.timeutil import utcnow
from tests.core.attachments.helpers import greeting_by, png_bytes

TIMELINE = '{% include "timeline/_timeline.html" %}'


def _notifications(db, user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.recipient_id == user.id)))


def test_mention_notifies_the_mentioned_user_who_may_see_the_record(app, db, make_user, greetings):
    author = make_user("zhangsan", name="张三")
    manager = make_user("li.si", roles=["sales_manager"], name="李四")   # sees every greeting
    other_rep = make_user("wangwu")                                        # sees only their own
    greeting = greeting_by(author)

    result = add_comment(greeting, "请 @li.si 看一下，也请 @wangwu 和 @nobody 知悉；@zhangsan 备注", author)
    db.session.commit()

    assert [u.login for u in result.notified] == ["li.si"]
    assert [u.login for u in result.not_notified] == ["wangwu"]
    [notification] = _notifications(db, manager)
    assert notification.message == "%(author)s mentioned you: %(excerpt)s"
    assert notification.params["author"] == "张三"
    assert notification.params["excerpt"].startswith("请 @li.si")
    assert _notifications(db, other_rep) == []   # a mention does not leak a record they may not see
    assert _notifications(db, author) == []      # nobody is notified of their own mention


def test_mentions_are_logins_not_email_addresses():
    assert mentioned_logins("mail a@b.com then @zhang.san, @li_si. and @zhang.san again") == ["zhang.san", "li_si"]


@pytest.mark.parametrize("body", ["", "   \n ", "x" * 5001])
def test_an_empty_or_overlong_comment_is_refused_and_nothing_saved(app, db, make_user, greetings, body):
    author = make_user("rep")
    greeting = greeting_by(author)
    with pytest.raises(CommentError):
        add_comment(greeting, body, author)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_posting_a_comment_through_the_form(app, db, client, make_user, login_as, greetings):
    author = make_user("rep")
    greeting = greeting_by(author)
    login_as(author)
    url = f"/timeline/hello_greeting/{greeting.id}/comments"

    response = client.post(url, data={"body": "客户已回电", "next": "/hello/"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/hello/#timeline")
    assert [c.body for c in comments_for(greeting)] == ["客户已回电"]

    # An empty comment: back to the page with the message kept for the comment field, nothing saved.
    client.post(url, data={"body": " ", "next": "/hello/"})
    with client.session_transaction() as session:
        assert f"hello_greeting:{greeting.id}:body" in session["netsales_timeline_errors"]
    assert len(comments_for(greeting)) == 1

    # Only a path on this site is followed back.
    response = client.post(url, data={"body": "再次跟进", "next": "https://evil.example/"})
    assert "evil" not in response.headers["Location"]


def test_a_record_outside_the_users_scope_cannot_be_commented(app, db, client, make_user, login_as, greetings):
    greeting = greeting_by(make_user("owner"))
    login_as(make_user("other"))
    response = client.post(f"/timeline/hello_greeting/{greeting.id}/comments", data={"body": "hi"})
    assert response.status_code == 404
    assert comments_for(greeting) == []


def test_the_timeline_merges_comments_attachments_changes_and_plugin_entries_in_time_order(
        app, db, make_user, greetings, monkeypatch):
    monkeypatch.setattr(greetings, "__tracked__", {"text": "内容"}, raising=False)  # as a plugin's model declares
    author = make_user("rep", name="王芳")
    greeting = greeting_by(author, "第一版")
    greeting.text = "第二版"                       # an audited change
    db.session.commit()
    comment = add_comment(greeting, "已更新 @rep", author).comment
    attachment = attach(greeting, FileStorage(io.BytesIO(png_bytes()), "报价.png"), author)
    db.session.commit()
    comment.created_at = utcnow() + timedelta(minutes=1)
    attachment.uploaded_at = utcnow() + timedelta(minutes=2)
    db.session.commit()

    engine = app.extensions["netsales"]
    entry = TimelineEntry(at=utcnow() + timedelta(minutes=3), kind="call", text="电话回访", user_id=author.id)
    monkeypatch.setattr(engine, "collect", lambda hook, record_type, **kw:
                        [entry] if hook == "timeline_entries" and kw["obj"] is greeting else [])

    kinds = [item.kind for item in timeline_for(greeting).items]
    assert kinds[0] == "change" and kinds[-3:] == ["comment", "attachment", "call"]
    change = next(i for i in timeline_for(greeting).items if i.changes)
    assert ("内容", "第一版", "第二版") in change.changes  # the field's label, not its name (issue 12)

    with app.test_request_context("/hello/"):
        login_user(author)
        html = render_template_string(TIMELINE, obj=greeting)
    assert html.index("已更新") < html.index("报价.png") < html.index("电话回访")
    assert '<span class="mention">@rep</span>' in html
    assert f"/attachments/{attachment.id}/download" in html
    assert 'name="body"' in html and 'type="file"' in html and 'enctype="multipart/form-data"' in html


def test_the_timeline_shows_a_remembered_error_next_to_its_field(app, db, make_user, greetings):
    author = make_user("rep")
    greeting = greeting_by(author)
    with app.test_request_context("/hello/"):
        from flask import session

        login_user(author)
        session["netsales_timeline_errors"] = {
            f"hello_greeting:{greeting.id}:file": {"message": "TOO-BIG", "value": ""},
            f"hello_greeting:{greeting.id}:body": {"message": "WRITE-SOMETHING", "value": "draft text"}}
        html = render_template_string(TIMELINE, obj=greeting)
        assert session["netsales_timeline_errors"] == {}   # shown once
    assert 'role="alert"' in html and "TOO-BIG" in html and "WRITE-SOMETHING" in html
    assert "draft text</textarea>" in html


def test_an_empty_timeline_says_so(app, db, make_user, greetings):
    author = make_user("rep")
    greeting = greeting_by(author)
    with app.test_request_context("/hello/"), _no_audit(greeting):
        login_user(author)
        html = render_template_string(TIMELINE, obj=greeting)
    assert 'class="empty"' in html


class _no_audit:
    """Leave the audit trail's creation entry out, so the record has nothing on its timeline."""

    def __init__(self, greeting):
        self.greeting = greeting

    def __enter__(self):
        from core.audit.models import AuditLog
        from core.extensions import db

        db.session.query(AuditLog).filter(AuditLog.table_name == "hello_greeting").delete()

    def __exit__(self, *exc):
        from core.extensions import db

        db.session.rollback()


def test_the_timeline_makes_a_fixed_number_of_queries(app, db, make_user, greetings):
    author = make_user("rep")
    few, many = greeting_by(author, "few"), greeting_by(author, "many")
    add_comment(few, "one", author)
    attach(few, FileStorage(io.BytesIO(png_bytes()), "one.png"), author)
    for n in range(25):
        add_comment(many, f"comment {n}", author)
        attach(many, FileStorage(io.BytesIO(png_bytes()), f"f{n}.png"), author)
    db.session.commit()

    def queries(obj) -> int:
        db.session.expire_all()
        counted = []
        listener = lambda *args: counted.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            timeline_for(obj)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(counted)

    assert queries(few) == queries(many)


def _statements(db, call) -> list[str]:
    seen: list[str] = []
    listener = lambda conn, cursor, statement, *args: seen.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return seen


def test_plugin_entries_show_their_authors_name_given_or_looked_up(app, db, make_user, greetings, monkeypatch):
    """Issue 18: an entry carrying its author's name (TimelineEntry.user_name) needs no users statement; one made
    without it (a plugin written before the field) still shows the name of its user_id; one without a user is the
    system's. The timeline reads names only, never whole users."""
    author = make_user("rep", name="王芳")
    colleague = make_user("colleague", name="李雷")
    greeting = greeting_by(author)
    add_comment(greeting, "看一下", author)
    attach(greeting, FileStorage(io.BytesIO(png_bytes()), "a.png"), author)
    db.session.commit()
    at = utcnow() + timedelta(minutes=1)
    named = TimelineEntry(at=at, kind="call", text="named", user_id=colleague.id, user_name="李雷 (given)")
    unnamed = TimelineEntry(at=at, kind="call", text="unnamed", user_id=colleague.id)
    nobody = TimelineEntry(at=at, kind="call", text="nobody")
    entries: list[TimelineEntry] = []
    engine = app.extensions["netsales"]
    monkeypatch.setattr(engine, "collect", lambda hook, record_type, **kw:
                        list(entries) if hook == "timeline_entries" else [])

    def names() -> dict[str, str | None]:
        return {i.text: i.user_name for i in timeline_for(greeting).items if i.kind == "call"}

    entries[:] = [named, nobody]
    assert names() == {"named": "李雷 (given)", "nobody": None}  # (and the greeting loaded again after the commit)
    statements = _statements(db, names)
    assert len(statements) == 3, statements  # comments, attachments, audit: the names come joined or given
    assert not any("login" in s or "password_hash" in s for s in statements)  # names only, not whole users

    entries[:] = [named, unnamed, nobody]
    assert names() == {"named": "李雷 (given)", "unnamed": "李雷", "nobody": None}
    statements = _statements(db, names)
    assert len(statements) == 4  # and one for the names of entries without them
    items = timeline_for(greeting).items
    assert [i.user_name for i in items if i.kind in ("comment", "attachment")] == ["王芳", "王芳"]
    assert next(i for i in items if i.text == "unnamed").user.name == "李雷"  # templates using item.user.name
    assert next(i for i in items if i.text == "nobody").user is None


def test_the_timeline_sees_changes_not_yet_flushed(app, db, make_user, greetings):
    """It reads on the session's connection, so it flushes first, as the ORM's autoflush would."""
    author = make_user("rep", name="王芳")
    greeting = greeting_by(author)
    db.session.add(Comment(record_type="hello_greeting", record_id=greeting.id, author_id=author.id, body="pending"))
    items = timeline_for(greeting).items
    assert [(i.comment.body, i.user_name) for i in items if i.kind == "comment"] == [("pending", "王芳")]


def test_a_creation_is_listed_without_its_fields_and_their_users(app, db, make_user, greetings, monkeypatch):
    """The creation's line shows no fields (the record page shows them), so its user fields are not looked up; a
    later change of one is shown with the users' names (core/audit/labels.py, one statement for them)."""
    monkeypatch.setattr(greetings, "__tracked__", {"text": "内容", "author_id": "作者"}, raising=False)
    author = make_user("rep", name="王芳")
    colleague = make_user("colleague", name="李雷")
    greeting = greeting_by(author)
    timeline_for(greeting)  # the greeting loaded again after its commit
    statements = _statements(db, lambda: timeline_for(greeting))
    created = timeline_for(greeting).items
    assert [(i.kind, i.changes) for i in created] == [("change", [])]
    assert len(statements) == 3, statements  # comments, attachments, audit: no users for the creation's author

    greeting.author_id = colleague.id
    db.session.commit()
    timeline_for(greeting)
    statements = _statements(db, lambda: timeline_for(greeting))
    assert ("作者", "王芳", "李雷") in next(i for i in timeline_for(greeting).items if i.changes).changes
    assert len(statements) == 4  # and the changed field's users, by name
