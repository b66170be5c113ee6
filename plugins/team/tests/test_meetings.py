"""Sales meetings (R8.2.2): a series schedules a meeting with the team invited (iCalendar) and the team's KPIs on
the agenda; minutes; action items that reach the owner's dashboard, are reminded, and are done once; the next
meeting lists the open items of the last; an item of someone who leaves goes to their superior; closing the
minutes e-mails them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.notifications.models import EmailAttachment, EmailOutbox, Notification
from core.pdf import FontNotFoundError
from core.pdf_worker import PdfWorkerError
from core.timeutil import local_today
from plugins.team.models import ActionItem, Meeting, MeetingAttendee, MeetingSeries
from plugins.team.services import actions, meetings


def without_stamp(ics: str) -> list[str]:
    """The calendar's lines but DTSTAMP (when the file was written)."""
    return [line for line in ics.split("\r\n") if not line.startswith("DTSTAMP:")]


def new_series(client, **changes):
    data = {"title": "一组周例会", "recurrence": "weekly", "day": "1", "start_time": "09:30",
            "duration_minutes": "60", "location": "3 楼会议室", "agenda_template": "1. 上周进展\n2. 本周重点",
            "kpi_keys": ["team.kudos_received", "no.such.kpi"]}
    data.update(changes)
    return client.post("/team/meetings/series/new", data=data)


def test_a_series_schedules_a_meeting_and_invites_the_team(app, db, people, login_as):
    client = login_as(people["supervisor"], on=app.test_client())
    answer = new_series(client)
    assert answer.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert answer.headers["Location"].endswith(f"/team/meetings/{meeting.id}")
    attendees = set(db.session.scalars(select(MeetingAttendee.user_id).where(MeetingAttendee.meeting_id == meeting.id)))
    assert attendees == {people["supervisor"].id, people["rep"].id, people["rep2"].id}
    # The agenda carries the team's KPIs for the week before (only the KPIs that exist).
    assert [row["key"] for row in meeting.kpi_snapshot] == ["team.kudos_received"]
    assert meeting.kpi_period_end - meeting.kpi_period_start == timedelta(days=7)
    # Invitations: in-app for the others, e-mail with the calendar file's link for those with an address.
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.recipient_id == people["rep"].id)) == 1
    mails = list(db.session.scalars(select(EmailOutbox)))
    assert {m.to for m in mails} == {"sup@example.com", "rep@example.com"}
    ics = client.get(f"/team/meetings/{meeting.id}/invite.ics")
    assert ics.mimetype == "text/calendar"
    text = ics.get_data(as_text=True)
    assert "BEGIN:VEVENT" in text and "DTSTART:" in text and "\r\n" in text
    assert meeting.starts_at.strftime("%Y%m%dT%H%M%SZ") in text
    # Each invitation carries the calendar file itself (issue 17): the same event as the page's download.
    files = list(db.session.scalars(select(EmailAttachment).order_by(EmailAttachment.message_id)))
    assert sorted(f.message_id for f in files) == sorted(m.id for m in mails)
    for file in files:
        assert (file.filename, file.content_type) == (f"meeting-{meeting.id}.ics",
                                                       "text/calendar; method=REQUEST; charset=utf-8")
        assert without_stamp(file.data.decode()) == without_stamp(text)
    assert all("invite.ics" not in m.body_text and "日历" in m.body_text for m in mails)
    # A representative sees the meeting; someone outside the team does not.
    assert login_as(people["rep"], on=app.test_client()).get(f"/team/meetings/{meeting.id}").status_code == 200
    assert login_as(people["clerk"], on=app.test_client()).get(f"/team/meetings/{meeting.id}").status_code == 404


def test_bad_series_input_is_refused_with_a_message(app, db, people, login_as):
    client = login_as(people["supervisor"], on=app.test_client())
    answer = new_series(client, start_time="25:99")
    assert answer.status_code == 422 and "09:30" in answer.get_data(as_text=True)
    answer = new_series(client, recurrence="monthly", day="0")
    assert answer.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(MeetingSeries)) == 0
    assert login_as(people["rep"], on=app.test_client()).get("/team/meetings/series/new").status_code == 403


def scheduled_meeting(db, people):
    series = meetings.create_series(db.session, people["supervisor"], title="周例会", recurrence="weekly", day=2,
                                    start_time="10:00", duration_minutes=45)
    meeting = meetings.schedule_next(db.session, series, people["supervisor"])
    db.session.commit()
    return series, meeting


def test_minutes_action_item_dashboard_reminder_and_done(app, db, people, login_as):
    _series, meeting = scheduled_meeting(db, people)
    sup = login_as(people["supervisor"], on=app.test_client())
    answer = sup.post(f"/team/meetings/{meeting.id}/minutes",
                      data={"progress": "成交 5 单", "problems": "发货慢", "solutions": "协调物流",
                            "priorities": "双十一备货", "version": str(meeting.version)})
    assert answer.status_code == 302
    due = local_today() + timedelta(days=10)
    answer = sup.post(f"/team/meetings/{meeting.id}/actions",
                      data={"title": "准备备货报价", "owner_id": str(people["rep"].id), "due_on": due.isoformat()})
    assert answer.status_code == 302
    item = db.session.scalar(select(ActionItem))
    assert item.owner_id == people["rep"].id and item.state == "open"

    rep = login_as(people["rep"], on=app.test_client())
    assert "准备备货报价" in rep.get("/").get_data(as_text=True)  # the owner's dashboard

    # Reminders: nothing while the due date is far; once it is near, one reminder a day.
    assert actions.send_reminders(db.session, today=local_today()) == 0
    before = db.session.scalar(select(func.count()).select_from(Notification)
                               .where(Notification.recipient_id == people["rep"].id))
    assert actions.send_reminders(db.session, today=due - timedelta(days=1)) == 1
    assert actions.send_reminders(db.session, today=due - timedelta(days=1)) == 0
    assert actions.send_reminders(db.session, today=due + timedelta(days=1)) == 1  # overdue: again the next day
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.recipient_id == people["rep"].id)) == before + 2

    # Someone else in the team may not mark it done; the owner may, once.
    assert login_as(people["rep2"], on=app.test_client()).post(f"/team/actions/{item.id}/done").status_code == 302
    db.session.expire_all()
    assert db.session.get(ActionItem, item.id).state == "open"
    assert rep.post(f"/team/actions/{item.id}/done", data={"next": "dashboard"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ActionItem, item.id).state == "done"
    assert "准备备货报价" not in rep.get("/").get_data(as_text=True)
    assert rep.post(f"/team/actions/{item.id}/done").status_code == 302  # told it is done already, no error


def test_the_next_meeting_lists_the_open_items_of_the_last(app, db, people, login_as):
    series, first = scheduled_meeting(db, people)
    actions.add_item(db.session, first, people["supervisor"], title="回访 A 类客户", owner_id=people["rep"].id,
                     due_on=local_today() + timedelta(days=20))
    done = actions.add_item(db.session, first, people["supervisor"], title="更新报价单", owner_id=people["rep2"].id,
                            due_on=local_today() + timedelta(days=20))
    actions.complete(db.session, done, people["rep2"])
    second = meetings.schedule_next(db.session, series, people["supervisor"])
    db.session.commit()
    assert second.starts_at - first.starts_at == timedelta(days=7)
    assert [i.title for i in meetings.open_items_before(db.session, second)] == ["回访 A 类客户"]
    page = login_as(people["supervisor"], on=app.test_client()).get(f"/team/meetings/{second.id}")
    assert "回访 A 类客户" in page.get_data(as_text=True)


def test_an_item_of_someone_who_left_goes_to_their_superior(app, db, people):
    from core.identity.users import deactivate_user

    _series, meeting = scheduled_meeting(db, people)
    item = actions.add_item(db.session, meeting, people["supervisor"], title="整理客户名单",
                            owner_id=people["rep"].id, due_on=local_today() + timedelta(days=5))
    deactivate_user(db.session, people["rep"])
    db.session.commit()
    assert actions.reassign_inactive(db.session) == 1
    db.session.commit()
    db.session.expire_all()
    item = db.session.get(ActionItem, item.id)
    assert item.owner_id == people["supervisor"].id and item.reassigned_from_id == people["rep"].id


def test_closing_the_minutes_emails_them_and_offers_the_pdf(app, db, people, login_as):
    _series, meeting = scheduled_meeting(db, people)
    db.session.query(EmailOutbox).delete()
    db.session.commit()
    sup = login_as(people["supervisor"], on=app.test_client())
    answer = sup.post(f"/team/meetings/{meeting.id}/minutes", data={"version": str(meeting.version), "close": "1"})
    assert answer.status_code == 422  # nothing written yet: not closed
    assert db.session.get(Meeting, meeting.id).state == "scheduled"
    answer = sup.post(f"/team/meetings/{meeting.id}/minutes",
                      data={"progress": "完成季度目标 80%", "version": str(meeting.version), "close": "1"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).state == "closed"
    mails = list(db.session.scalars(select(EmailOutbox)))
    assert {m.to for m in mails} == {"sup@example.com", "rep@example.com"}
    assert all("完成季度目标 80%" in m.body_text and "minutes.pdf" not in m.body_text for m in mails)
    # Each mail carries the minutes PDF itself (issue 17), printed once for the attendees' one language.
    files = list(db.session.scalars(select(EmailAttachment)))
    assert sorted(f.message_id for f in files) == sorted(m.id for m in mails)
    assert {(f.filename, f.content_type) for f in files} == {(f"minutes-{meeting.id}.pdf", "application/pdf")}
    assert all(f.data.startswith(b"%PDF") for f in files) and len({f.data for f in files}) == 1
    pdf = sup.get(f"/team/meetings/{meeting.id}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


@pytest.mark.parametrize("failure", [FontNotFoundError("no CJK font"), PdfWorkerError("the PDF process timed out")],
                         ids=["no Chinese font", "PDF process failed"])
def test_when_the_pdf_cannot_be_printed_the_minutes_mail_links_to_it_instead(app, db, people, login_as,
                                                                             monkeypatch, failure):
    """The minutes still close and go out: the mail links to the PDF, which the reader opens when it prints."""

    def cannot_print(*args, **kwargs):
        raise failure

    monkeypatch.setattr(meetings, "minutes_pdf", cannot_print)
    _series, meeting = scheduled_meeting(db, people)
    db.session.query(EmailOutbox).delete()
    db.session.commit()
    meetings.save_minutes(db.session, meeting, people["supervisor"], progress="进展")
    assert meetings.close_minutes(db.session, meeting, people["supervisor"]) == 3
    db.session.commit()
    mails = list(db.session.scalars(select(EmailOutbox)))
    assert mails and all(f"/team/meetings/{meeting.id}/minutes.pdf" in m.body_text for m in mails)
    assert db.session.scalar(select(func.count()).select_from(EmailAttachment)) == 0


def test_a_stale_minutes_form_is_refused(app, db, people, login_as):
    _series, meeting = scheduled_meeting(db, people)
    sup = login_as(people["supervisor"], on=app.test_client())
    version = meeting.version
    assert sup.post(f"/team/meetings/{meeting.id}/minutes",
                    data={"progress": "第一版", "version": str(version)}).status_code == 302
    answer = sup.post(f"/team/meetings/{meeting.id}/minutes", data={"progress": "旧页面", "version": str(version)})
    assert answer.status_code == 422 and "刷新页面" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).progress == "第一版"


def test_minutes_too_large_for_mail_are_linked_not_attached(app, db, people, monkeypatch):
    _series, meeting = scheduled_meeting(db, people)
    db.session.query(EmailOutbox).delete()
    db.session.commit()
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTACHMENT_BYTES", 100)  # any real PDF is larger
    meetings.save_minutes(db.session, meeting, people["supervisor"], progress="进展")
    assert meetings.close_minutes(db.session, meeting, people["supervisor"]) == 3
    db.session.commit()
    mails = list(db.session.scalars(select(EmailOutbox)))
    assert mails and all(f"/team/meetings/{meeting.id}/minutes.pdf" in m.body_text for m in mails)
    assert db.session.scalar(select(func.count()).select_from(EmailAttachment)) == 0


def test_a_leader_sees_the_meetings_and_series_of_their_team_uninvited(app, db, people, login_as):
    """The team scope (R2.2.2, core.security.team_condition): a meeting organised by someone below the reader, or
    a series they lead, shows on the reader's meetings page without an invitation; not to someone outside."""
    from core.timeutil import utcnow

    series = meetings.create_series(db.session, people["clerk"], title="财务对账周会", recurrence="weekly", day=2,
                                    start_time="10:00", duration_minutes=30)
    meeting = meetings.create_meeting(db.session, people["clerk"], title="财务对账会", starts_at=utcnow(),
                                      duration_minutes=30, location=None, agenda=None,
                                      leader_id=people["clerk"].id, series=series, invite=False)
    db.session.commit()
    invited = set(db.session.scalars(select(MeetingAttendee.user_id).where(MeetingAttendee.meeting_id == meeting.id)))
    assert invited == {people["clerk"].id}  # the head is not invited: only the team scope shows it to them
    with app.test_request_context("/"):
        seen = {who: set(db.session.scalars(select(Meeting.id).where(meetings.visible(people[who]))))
                for who in ("head", "clerk", "supervisor", "rep")}
    assert seen == {"head": {meeting.id}, "clerk": {meeting.id}, "supervisor": set(), "rep": set()}
    page = login_as(people["head"], on=app.test_client()).get("/team/meetings").get_data(as_text=True)
    assert "财务对账会" in page and "财务对账周会" in page
    page = login_as(people["supervisor"], on=app.test_client()).get("/team/meetings").get_data(as_text=True)
    assert "财务对账会" not in page and "财务对账周会" not in page
