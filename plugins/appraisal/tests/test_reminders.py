"""Reminders (R4.2): the employee for a self-assessment coming due, the superior (or HR without one) for a review;
once a day; the overdue list per superior."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from core.notifications.models import Notification
from plugins.appraisal.services import appraisals as flow
from plugins.appraisal.services import reminders


def _sent_to(db, user):
    """Reminders only (the notices of each step are another test's)."""
    return db.session.scalar(select(func.count(Notification.id)).where(Notification.recipient_id == user.id,
                                                                       Notification.message.contains("due")))


def test_reminders_go_to_whoever_the_appraisal_waits_for_once_a_day(db, opened, team):
    morning = datetime(2026, 12, 8, 1, 0)  # 8 December in Shanghai; due on the 10th, three days' lead
    rep = opened["rep"]
    behaviour = [s.indicator_id for s in rep.scores if s.indicator.kind == "behaviour"]
    flow.submit_self(db.session, rep, team["rep"], dict.fromkeys(behaviour, 4), None, rep.version)
    db.session.commit()
    assert reminders.send_reminders(db.session, morning) == 2
    db.session.commit()
    assert _sent_to(db, team["other"]) == 1  # their self-assessment
    assert _sent_to(db, team["supervisor"]) == 1  # rep's review
    assert reminders.send_reminders(db.session, morning + timedelta(hours=6)) == 0  # not twice the same day
    assert reminders.send_reminders(db.session, morning + timedelta(days=1)) == 2  # the next day again


def test_nothing_is_sent_before_the_lead_time(db, opened):
    assert reminders.send_reminders(db.session, datetime(2026, 12, 6, 15, 0)) == 0  # 6 Dec 23:00 in Shanghai


def test_the_overdue_list_shows_late_appraisals_by_superior(db, opened, team, login_as, monkeypatch):
    client = login_as(team["supervisor"])
    monkeypatch.setattr(reminders, "local_today", lambda: date(2026, 12, 10))  # the due day itself: not late
    assert "没有逾期的考核。" in client.get("/appraisal/overdue").get_data(as_text=True)
    monkeypatch.setattr(reminders, "local_today", lambda: date(2026, 12, 11))
    page = client.get("/appraisal/overdue").get_data(as_text=True)
    assert team["rep"].name in page and team["other"].name in page
