"""The dashboard card "My training" and the training record on the profile page: a few aggregate queries each."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from core.extensions import db
from core.timeutil import local_midnight_utc, local_today, utcnow
from plugins.training.models import (
    TrainingAssignment,
    TrainingCertificate,
    TrainingEnrolment,
    TrainingSession,
    TrainingStep,
)
from plugins.training.services.sessions import hours_by_person, required_hours


def _hours_this_year(user_id: int) -> dict[str, Any]:
    year = local_today().year
    done = hours_by_person(db.session, [user_id], local_midnight_utc(date(year, 1, 1)),
                           local_midnight_utc(date(year + 1, 1, 1)))[user_id]
    return {"year": year, "hours": done, "required": required_hours()}


def my_training(user: Any) -> dict[str, Any]:
    today = local_today()
    due = db.session.execute(
        select(TrainingStep.due_date, TrainingStep.module_id, TrainingAssignment.course_id)
        .join(TrainingAssignment, TrainingAssignment.id == TrainingStep.assignment_id)
        .where(TrainingAssignment.user_id == user.id, TrainingAssignment.cancelled.is_(False),
               TrainingStep.done_at.is_(None))
        .order_by(TrainingStep.due_date)).all()
    upcoming = list(db.session.scalars(
        select(TrainingSession).join(TrainingEnrolment, TrainingEnrolment.session_id == TrainingSession.id)
        .where(TrainingEnrolment.user_id == user.id, TrainingEnrolment.state == "enrolled",
               TrainingSession.starts_at >= utcnow(), TrainingSession.cancelled.is_(False))
        .order_by(TrainingSession.starts_at).limit(3)))
    return {"open_steps": len(due), "overdue_steps": sum(1 for d in due if d.due_date < today),
            "upcoming": upcoming, **_hours_this_year(user.id)}


def training_record(user: Any) -> dict[str, Any]:
    assignments = list(db.session.scalars(
        select(TrainingAssignment).where(TrainingAssignment.user_id == user.id,
                                         TrainingAssignment.cancelled.is_(False))
        .order_by(TrainingAssignment.assigned_at.desc()).limit(20)))
    certificates = list(db.session.scalars(
        select(TrainingCertificate).where(TrainingCertificate.user_id == user.id)
        .order_by(TrainingCertificate.issued_at.desc()).limit(20)))
    return {"assignments": assignments, "certificates": certificates, **_hours_this_year(user.id)}
