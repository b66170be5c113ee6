"""Scheduled jobs: the nightly regrade (R5.2.1) and reminders of due revisits and next steps (R5.3.1)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from core.extensions import db
from core.identity.models import User
from core.timeutil import local_today
from plugins.crm.models import Interaction, Revisit
from plugins.crm.services.grading import regrade


def nightly_regrade() -> None:
    regrade(db.session)


def revisit_reminders() -> None:
    """One notification per person a day: how many revisits are due or overdue and how many next steps are due."""
    from core.notifications import notify

    today = local_today()
    due = dict(db.session.execute(
        select(Revisit.owner_id, func.count(Revisit.id))
        .where(Revisit.done_at.is_(None), Revisit.due_on <= today, Revisit.owner_id.isnot(None),
               (Revisit.reminded_on.is_(None)) | (Revisit.reminded_on < today))
        .group_by(Revisit.owner_id)).all())
    steps = dict(db.session.execute(
        select(Interaction.user_id, func.count(Interaction.id))
        .where(Interaction.next_step_done.is_(False), Interaction.next_step_on == today)
        .group_by(Interaction.user_id)).all())
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(set(due) | set(steps)),
                                                                     User.active.is_(True)))}
    for user_id, user in people.items():
        if due.get(user_id):
            notify(user, _l("%(n)s customer revisits are due or overdue."), "/crm/revisits", n=due[user_id])
        if steps.get(user_id):
            notify(user, _l("%(n)s next steps with customers are due today."), "/",
                   n=steps[user_id])
    db.session.execute(update(Revisit).where(Revisit.done_at.is_(None), Revisit.due_on <= today)
                       .values(reminded_on=today).execution_options(synchronize_session=False))
