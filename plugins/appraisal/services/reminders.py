"""Reminders (R4.2): self-assessments and superiors' reviews coming due, by notification (and e-mail, through the
core's outbox), once a day at most per appraisal; the overdue list."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from core.identity.models import Role, User
from core.notifications.service import notify
from core.timeutil import local_date, local_midnight_utc, local_today, utcnow
from plugins.appraisal.models import Appraisal, light
from plugins.appraisal.settings import setting

WAITING = ("self_assessment", "superior_review")


def _hr_people(session: Any) -> list[User]:
    return list(session.scalars(select(User).where(User.active.is_(True), User.roles.any(Role.code == "hr"))))


def send_reminders(session: Any, now: datetime | None = None) -> int:
    """Notify whoever an appraisal waits for when its due date is near or past, at most once a (company-local) day.
    Returns how many were sent."""
    now = now or utcnow()
    today = local_date(now)
    lead = int(setting("reminder_days"))
    since = local_midnight_utc(today)
    due = list(session.scalars(
        select(Appraisal).options(*light())
        .where(Appraisal.state.in_(WAITING), Appraisal.due_on <= today + timedelta(days=lead),
               or_(Appraisal.reminded_at.is_(None), Appraisal.reminded_at < since))))
    if not due:
        return 0
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(
        {a.employee_id for a in due} | {a.reviewer_id for a in due if a.reviewer_id})))}
    hr = None
    sent = 0
    for appraisal in due:
        url = f"/appraisal/{appraisal.id}"
        if appraisal.state == "self_assessment":
            notify(users[appraisal.employee_id], _l("Your self-assessment is due on %(day)s."), url,
                   day=appraisal.due_on.isoformat())
            sent += 1
        else:
            reviewers = [users[appraisal.reviewer_id]] if appraisal.reviewer_id in users else None
            if reviewers is None:
                hr = _hr_people(session) if hr is None else hr
                reviewers = hr
            for reviewer in reviewers:
                notify(reviewer, _l("The appraisal of %(name)s waits for your evaluation (due %(day)s)."), url,
                       name=users[appraisal.employee_id].name, day=appraisal.due_on.isoformat())
                sent += 1
        appraisal.reminded_at = now
    return sent


def overdue_query(today: Any = None) -> Any:
    """A select of the appraisals past their due date still waiting for a self-assessment or a review."""
    today = today or local_today()
    return (select(Appraisal).options(*light())
            .where(Appraisal.state.in_(WAITING), Appraisal.due_on < today))
