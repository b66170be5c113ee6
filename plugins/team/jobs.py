"""The team plugin's scheduled jobs: each opens its own work, commits it, and is safe to run twice."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.contracts import ScheduledJob


def remind_action_items() -> None:
    from core.extensions import db
    from plugins.team.services.actions import reassign_inactive, send_reminders

    reassign_inactive(db.session)  # first: reminders go to whoever owns the item now
    db.session.commit()
    send_reminders(db.session)
    db.session.commit()


def escalate_issues() -> None:
    from core.extensions import db
    from plugins.team.services.issues import escalate_overdue

    escalate_overdue(db.session)
    db.session.commit()


def send_robot_messages() -> None:
    from plugins.team.services.robots import send_due

    send_due()


def suggest_awards() -> None:
    from core.extensions import db
    from plugins.team.services.recognition import previous_month, suggest

    suggest(db.session, previous_month())
    db.session.commit()


def clear_expired_notices() -> None:
    from core.extensions import db
    from plugins.team.services.notices import clear_expired

    clear_expired(db.session)
    db.session.commit()


def job_definitions() -> list[ScheduledJob]:
    return [
        ScheduledJob("team.action_items", remind_action_items, 3600,
                     _l("Remind action items due soon or overdue; hand items of departed people to their "
                        "superior (R8.2.2)")),
        ScheduledJob("team.escalate_issues", escalate_issues, 900,
                     _l("Escalate cross-department issues past their deadline to the department head "
                        "(R8.2.3)")),
        ScheduledJob("team.robots", send_robot_messages, 60,
                     _l("Deliver group-robot messages, with retries (R8.2.1)")),
        ScheduledJob("team.suggest_awards", suggest_awards, 21600,
                     _l("Suggest last month's awards from the KPIs (R8.1.3)")),
        ScheduledJob("team.expire_notices", clear_expired_notices, 3600,
                     _l("Take expired notices off the unread counts")),
    ]
