"""Scheduled jobs: onboarding for hires added without the employee_hired event, overdue reminders (R3.2.1)."""

from __future__ import annotations

from core.audit import audit_actor
from core.extensions import db


def onboard_new_hires() -> None:
    from plugins.training.services.onboarding import sweep_new_hires

    with audit_actor("job:training.onboard_new_hires"):
        sweep_new_hires(db.session)
        db.session.commit()


def remind_overdue() -> None:
    from plugins.training.services.onboarding import remind_overdue as remind

    with audit_actor("job:training.remind_overdue"):
        remind(db.session)
        db.session.commit()
