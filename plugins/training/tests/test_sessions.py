"""Periodic sessions (R3.2.2): a waiting list instead of overbooking, also under concurrent enrolment; a freed
seat goes to the first person waiting; attendance by the trainer; hours per person; the calendar file."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.timeutil import utcnow
from plugins.training.models import TrainingEnrolment, TrainingSession
from plugins.training.services import TrainingError
from plugins.training.services import sessions as service


def planned(db, course, capacity=1, days=3, trainer=None):
    start = (utcnow() + timedelta(days=days)).replace(microsecond=0)
    item = service.save_session(db.session, course, starts_at=start, ends_at=start + timedelta(hours=2, minutes=30),
                                capacity=capacity, place="培训室", trainer_id=trainer.id if trainer else None)
    db.session.commit()
    return item


def test_a_full_session_puts_people_on_the_waiting_list_and_a_freed_seat_goes_to_the_first(db, team, course):
    item = planned(db, course, capacity=1)
    first = service.enrol(db.session, item, team["rep"])
    second = service.enrol(db.session, item, team["other"])
    third = service.enrol(db.session, item, team["outsider"])
    db.session.commit()
    assert (first.state, second.state, third.state) == ("enrolled", "waiting", "waiting")
    with pytest.raises(TrainingError):
        service.enrol(db.session, item, team["other"])  # on the list already
    service.cancel_enrolment(db.session, first)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(TrainingEnrolment, second.id).state == "enrolled"
    assert db.session.get(TrainingEnrolment, third.id).state == "waiting"
    assert db.session.get(TrainingSession, item.id).seats_taken == 1


def test_two_people_enrolling_for_the_last_seat_at_once_never_overbook(app, db, team, course, make_app):
    """Two app instances (two connection pools, like two processes) enrol at the same moment for one seat."""
    from core.extensions import db as database
    from core.identity.models import User

    session_id = planned(db, course, capacity=1).id
    people = (team["rep"].id, team["other"].id)
    apps = [make_app(), make_app()]
    barrier = threading.Barrier(2)
    states: list[str] = []

    def take(application, user_id):
        with application.app_context():
            try:
                item = database.session.get(TrainingSession, session_id)
                person = database.session.get(User, user_id)
                barrier.wait(timeout=10)
                states.append(service.enrol(database.session, item, person).state)
                database.session.commit()
            finally:
                database.session.remove()

    threads = [threading.Thread(target=take, args=(a, u)) for a, u in zip(apps, people, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(states) == ["enrolled", "waiting"]
    db.session.expire_all()
    assert db.session.get(TrainingSession, session_id).seats_taken == 1
    assert db.session.scalar(select(func.count(TrainingEnrolment.id)).where(
        TrainingEnrolment.session_id == session_id, TrainingEnrolment.state == "enrolled")) == 1


def test_enrolment_through_the_page_and_the_full_message(client, login_as, db, team, course):
    item = planned(db, course, capacity=1)
    login_as(team["rep"])
    assert "报名成功" in client.post(f"/training/sessions/{item.id}/enrol", follow_redirects=True).get_data(as_text=True)
    login_as(team["other"])
    page = client.post(f"/training/sessions/{item.id}/enrol", follow_redirects=True).get_data(as_text=True)
    assert "候补名单" in page


def test_attendance_by_the_trainer_counts_hours_for_present_and_late(client, login_as, db, team, course):
    item = planned(db, course, capacity=5, trainer=team["supervisor"])
    enrolments = [service.enrol(db.session, item, team[k]) for k in ("rep", "other", "outsider")]
    item.starts_at, item.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(minutes=30)
    db.session.commit()
    marks = {f"mark-{enrolments[0].id}": "present", f"mark-{enrolments[1].id}": "late",
             f"mark-{enrolments[2].id}": "absent"}
    login_as(team["rep"])  # not the trainer
    assert client.post(f"/training/sessions/{item.id}/attendance", data=marks).status_code == 403
    login_as(team["supervisor"])
    assert client.post(f"/training/sessions/{item.id}/attendance", data=marks).status_code == 302
    db.session.expire_all()
    hours = {e.user_id: e.hours for e in db.session.scalars(select(TrainingEnrolment))}
    assert hours == {team["rep"].id: Decimal("2.50"), team["other"].id: Decimal("2.50"),
                     team["outsider"].id: Decimal("0")}
    done = service.hours_by_person(db.session, [team["rep"].id, team["manager"].id], datetime(2000, 1, 1),
                                   datetime(2100, 1, 1))
    assert done == {team["rep"].id: Decimal("2.50"), team["manager"].id: Decimal("0")}


def test_bad_session_input_is_refused_next_to_the_field(client, login_as, db, team, course):
    login_as(team["manager"])
    response = client.post(f"/training/courses/{course.id}/sessions/new", data={
        "starts_at": "2030-05-01T10:00", "ends_at": "2030-05-01T09:00", "capacity": "0", "place": ""})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(TrainingSession.id))) == 0


def test_the_calendar_file_lists_my_sessions(client, login_as, db, team, course):
    item = planned(db, course, capacity=5)
    service.enrol(db.session, item, team["rep"])
    db.session.commit()
    login_as(team["rep"])
    response = client.get("/training/my/sessions.ics")
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/calendar"
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.count("BEGIN:VEVENT") == 1
    assert f"DTSTART:{item.starts_at:%Y%m%dT%H%M%S}Z" in body
    assert "SUMMARY:销售策略" in body
    login_as(team["other"])
    assert "BEGIN:VEVENT" not in client.get("/training/my/sessions.ics").get_data(as_text=True)


def test_the_planner_edits_and_cancels_a_session_and_the_enrolled_are_told(client, login_as, db, team, course):
    from core.notifications.models import Notification

    item = planned(db, course, capacity=2)
    service.enrol(db.session, item, team["rep"])
    service.enrol(db.session, item, team["other"])
    db.session.commit()
    login_as(team["manager"])
    form = client.get(f"/training/sessions/{item.id}/edit").get_data(as_text=True)
    assert "培训室" in form
    response = client.post(f"/training/sessions/{item.id}/edit", data={
        "starts_at": "2031-05-01T09:00", "ends_at": "2031-05-01T12:00", "capacity": "1", "place": "培训室"})
    assert response.status_code == 422  # two people hold seats: the capacity cannot go under that
    before = db.session.scalar(select(func.count(Notification.id)))
    client.post(f"/training/sessions/{item.id}/cancel")
    db.session.expire_all()
    assert db.session.get(TrainingSession, item.id).cancelled
    assert db.session.scalar(select(func.count(Notification.id))) == before + 2
    login_as(team["outsider"])
    page = client.post(f"/training/sessions/{item.id}/enrol", follow_redirects=True).get_data(as_text=True)
    assert "该场次已取消" in page


def test_an_online_link_with_a_line_break_is_refused(db, course):
    with pytest.raises(TrainingError):
        service.save_session(db.session, course, starts_at=utcnow() + timedelta(days=1),
                             ends_at=utcnow() + timedelta(days=1, hours=1), capacity=3,
                             online_url="https://meet.example.cn/a\r\nATTENDEE:mailto:x@example.com")
