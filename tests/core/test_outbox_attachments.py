"""Files sent with outbox e-mail (a meeting's .ics invitation, the minutes PDF; issue 17): stored with the message,
received byte for byte by a real SMTP server on loopback, sent again unchanged when the first attempt failed, refused
with a clear error when too large, and listed for download on the mail catcher's page for whoever reads the outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.jobs.runner import run_due
from core.notifications import queue_email
from core.notifications.models import EmailAttachment, EmailOutbox
from core.notifications.outbox import AttachmentRefused
from tests.core.jobs import conftest as jobs_fixtures
from tests.core.notifications import conftest as mail_fixtures

# The loopback SMTP server, its settings and the test clock of tests/core/notifications (registered by their names).
smtp_server, mail_settings, clock = mail_fixtures.smtp_server, mail_fixtures.mail_settings, jobs_fixtures.clock

ICS = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:周例会\r\nEND:VCALENDAR\r\n".encode()
#: Every byte value, twice: nothing may be re-encoded, trimmed or normalised on the way.
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 2 + b"\r\n%%EOF\r\n"


def files_of(mail):
    return [(part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
            for part in mail.iter_attachments()]


def test_the_smtp_server_receives_each_file_byte_exact_beside_the_text_and_html(app, mail_settings, clock):
    mail_settings.start()
    queue_email("li@example.com", "会议邀请", "正文", "<p>正文</p>",
                attachments=[("meeting-3.ics", "text/calendar; method=REQUEST; charset=utf-8", ICS),
                             ("纪要 3.pdf", "application/pdf", PDF)])
    db.session.commit()
    run_due()

    assert len(mail_settings.messages) == 1
    mail = mail_settings.messages[0]["mail"]
    assert mail.get_content_type() == "multipart/mixed"
    assert mail.get_body(("plain",)).get_content().strip() == "正文"
    assert mail.get_body(("html",)) is not None  # the HTML alternative survives beside the files
    assert files_of(mail) == [("meeting-3.ics", "text/calendar", ICS), ("纪要 3.pdf", "application/pdf", PDF)]
    calendar = next(mail.iter_attachments())
    assert calendar.get_param("method") == "REQUEST"  # calendar programs read it as an invitation


def test_a_retry_sends_the_same_files(app, mail_settings, clock):
    queue_email("li@example.com", "Minutes", "See the PDF.", attachments=[("minutes-7.pdf", "application/pdf", PDF)])
    db.session.commit()
    run_due()  # the server is down: the attempt fails and is scheduled again
    message = db.session.scalar(select(EmailOutbox))
    db.session.refresh(message)
    assert message.attempts == 1 and message.sent_at is None

    mail_settings.start()
    clock.advance(seconds=120)
    run_due()
    assert len(mail_settings.messages) == 1
    assert files_of(mail_settings.messages[0]["mail"]) == [("minutes-7.pdf", "application/pdf", PDF)]


def test_files_over_the_limit_or_badly_named_are_refused_and_nothing_is_queued(app, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTACHMENT_BYTES", 1000)
    with pytest.raises(AttachmentRefused, match="larger than the mail limit of 1000 bytes"):
        queue_email("li@example.com", "Big", "x", attachments=[("a.pdf", "application/pdf", b"x" * 600),
                                                                ("b.pdf", "application/pdf", b"y" * 600)])
    with pytest.raises(AttachmentRefused, match="content type"):
        queue_email("li@example.com", "Odd", "x", attachments=[("a.ics", "text/calendar\r\nBcc: x@evil", b"1")])
    with pytest.raises(AttachmentRefused, match="file name"):
        queue_email("li@example.com", "Odd", "x", attachments=[("", "application/pdf", b"1")])
    assert isinstance(AttachmentRefused("x"), ValueError)  # callers that catch ValueError for bad input keep working
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(EmailOutbox)) == 0
    assert db.session.scalar(select(func.count()).select_from(EmailAttachment)) == 0

    message = queue_email("li@example.com", "Path", "x", attachments=[("../../etc/passwd", "text/plain", b"1")])
    assert db.session.scalar(select(EmailAttachment.filename).where(EmailAttachment.message_id == message.id)) \
        == "passwd"  # a name, never a path


def test_the_catchers_page_lists_the_files_and_serves_them_to_outbox_readers_only(app, make_user, login_as,
                                                                               monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_CATCHER", True)
    message = queue_email("li@example.com", "会议邀请", "正文",
                          attachments=[("meeting-3.ics", "text/calendar; method=REQUEST", ICS)])
    other = queue_email("bo@example.com", "Other", "x", attachments=[("x.pdf", "application/pdf", PDF)])
    db.session.commit()
    file_id = db.session.scalar(select(EmailAttachment.id).where(EmailAttachment.message_id == message.id))
    other_file = db.session.scalar(select(EmailAttachment.id).where(EmailAttachment.message_id == other.id))

    admin = login_as(make_user("mailadmin", roles=["admin"]), on=app.test_client())
    page = admin.get(f"/notifications/outbox/{message.id}", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "meeting-3.ics" in html and "附件" in html and "收件人" in html
    link = f"/notifications/outbox/{message.id}/files/{file_id}"
    assert link in html
    download = admin.get(link)
    assert download.status_code == 200 and download.data == ICS
    assert download.mimetype == "text/calendar"
    assert download.headers["Content-Disposition"].startswith("attachment")
    # A file of another message through this message's address: not found.
    assert admin.get(f"/notifications/outbox/{message.id}/files/{other_file}").status_code == 404

    rep = login_as(make_user("mailrep", roles=["sales_rep"]), on=app.test_client())
    assert rep.get(link).status_code == 403
