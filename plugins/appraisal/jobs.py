"""The scheduled jobs: open due cycles (hourly, so a restart or a late first run still opens them on the day) and
send reminders. Both are idempotent."""

from __future__ import annotations

from core.extensions import db


def open_cycles() -> None:
    from plugins.appraisal.services.cycles import run_cycles

    run_cycles(db.session)
    db.session.commit()


def reminders() -> None:
    from plugins.appraisal.services.reminders import send_reminders

    send_reminders(db.session)
    db.session.commit()
