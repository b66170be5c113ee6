"""Email goes through the outbox and a job sends it (issue 4): end to end against a real SMTP server on loopback.
Server down: nothing is lost and the job backs off; server back: the message is sent later, exactly once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.jobs.models import Job
from core.jobs.runner import run_due
from core.notifications import notify, queue_email
from core.notifications.models import EmailOutbox
from core.notifications.outbox import OutboxError, send_outbox


def outbox() -> list[EmailOutbox]:
    db.session.expire_all()
    return list(db.session.scalars(select(EmailOutbox).order_by(EmailOutbox.id)))


def outbox_job() -> Job:
    db.session.expire_all()
    return db.session.get(Job, "core.send_outbox")


def test_a_notification_email_is_sent_once_in_the_recipients_language(app, make_user, mail_settings, clock):
    mail_settings.start()
    user = make_user(email="bo@example.com", locale="zh_Hans", name="Bo")
    notify(user, "Marked %(count)s notifications as read.", "/notifications", email=True, count=4)
    db.session.commit()
    assert mail_settings.messages == []  # queued, not sent by the request

    run_due()
    assert len(mail_settings.messages) == 1
    received = mail_settings.messages[0]
    assert received["to"] == ["bo@example.com"]
    assert "4" in received["mail"]["Subject"] and "Marked" not in received["mail"]["Subject"]
    assert received["mail"]["From"] == "NetSales <noreply@netsales.test>"
    assert "Bo" in received["mail"].get_body(("plain",)).get_content()
    assert received["mail"].get_body(("html",)) is not None
    assert outbox()[0].sent_at is not None

    clock.advance(hours=3)
    run_due()
    assert len(mail_settings.messages) == 1


def test_server_down_loses_nothing_and_the_message_goes_out_once_when_it_is_back(app, mail_settings, clock):
    queue_email("li@example.com", "Weekly report", "Your report is ready.")
    db.session.commit()

    run_due()  # nobody listens on the port
    mail = outbox()[0]
    assert mail.sent_at is None and mail.attempts == 1 and "cannot reach" in mail.last_error
    assert mail.next_attempt_at == clock.now + timedelta(seconds=60)
    job = outbox_job()
    assert job.failures == 1 and "OutboxError" in job.last_error

    clock.advance(seconds=90)
    run_due()  # still down: both the message and the job wait longer
    assert outbox()[0].attempts == 2 and outbox_job().failures == 2
    assert outbox()[0].next_attempt_at == clock.now + timedelta(seconds=120)

    mail_settings.start()
    clock.advance(seconds=30)
    run_due()
    assert mail_settings.messages == []  # back-off: not due yet
    clock.advance(seconds=200)
    run_due()
    assert len(mail_settings.messages) == 1
    assert mail_settings.messages[0]["mail"]["Subject"] == "Weekly report"
    assert outbox()[0].sent_at is not None and outbox_job().failures == 0

    for _ in range(3):
        clock.advance(hours=1)
        run_due()
        send_outbox()
    assert len(mail_settings.messages) == 1


def test_two_workers_sending_at_once_send_each_message_once(app, make_app, mail_settings, clock):
    mail_settings.start()
    for n in range(20):
        queue_email(f"user{n}@example.com", f"Message {n}", "Hello")
    db.session.commit()
    apps = [app, make_app(enable="none")]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            with apps[index].app_context():
                barrier.wait()
                send_outbox()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    subjects = sorted(m["mail"]["Subject"] for m in mail_settings.messages)
    assert subjects == sorted(f"Message {n}" for n in range(20))
    assert all(m.sent_at is not None for m in outbox())


def test_without_smtp_settings_messages_wait_and_the_job_says_why(app, clock):
    queue_email("li@example.com", "Hi", "Hello")
    db.session.commit()
    run_due()
    mail = outbox()[0]
    assert mail.sent_at is None and mail.attempts == 0 and mail.locked_by is None
    assert "not configured" in outbox_job().last_error


def test_a_rejected_recipient_does_not_hold_up_the_others(app, mail_settings, clock):
    class Picky(type(mail_settings.inbox)):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
            if address.startswith("nobody@"):
                return "550 No such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    mail_settings.inbox = Picky()
    mail_settings.start()
    queue_email("nobody@example.com", "Lost", "x")
    queue_email("li@example.com", "Found", "x")
    db.session.commit()
    assert send_outbox() == 1
    lost, found = outbox()
    assert found.sent_at is not None
    assert lost.sent_at is None and lost.attempts == 1 and "550" in lost.last_error


def test_queue_email_refuses_bad_addresses_and_header_injection(app):
    with pytest.raises(ValueError):
        queue_email("not an address", "Hi", "x")
    with pytest.raises(ValueError):
        queue_email("a@example.com\r\nBcc: all@example.com", "Hi", "x")
    mail = queue_email("a@example.com", "Hi\r\nBcc: all@example.com", "x")
    assert "\n" not in mail.subject


def test_outbox_error_is_raised_for_the_job_to_record(app, mail_settings, clock):
    queue_email("li@example.com", "Hi", "Hello")
    db.session.commit()
    with pytest.raises(OutboxError):
        send_outbox()


def test_mail_kept_by_the_catcher_is_never_sent_nor_counted_as_waiting(app, monkeypatch):
    """The embedded default keeps mail in the app (MAIL_CATCHER): the outbox job must not try to send it (a fresh
    `make run` logged 'email is not configured' every minute for the demo's caught mail)."""
    from core.notifications.outbox import outbox_summary

    monkeypatch.setitem(app.config, "MAIL_CATCHER", True)
    queue_email("buyer@example.com", "报价单", "见附件")
    db.session.commit()
    assert send_outbox() == 0  # no SMTP server is set: sending would raise OutboxError
    assert outbox_summary().pending == 0
    assert outbox()[0].caught_at is not None and outbox()[0].sent_at is None
