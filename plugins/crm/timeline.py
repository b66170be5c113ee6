"""What the CRM adds to a customer's timeline: interactions, grade changes, ownership changes, survey answers."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from core.contracts import TimelineEntry
from core.extensions import db
from plugins.crm.forms import interaction_choices
from plugins.crm.models import Customer, GradeChange, Interaction, OwnershipChange, Survey

LIMIT = 50


def entries_for(customer: Customer) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    kinds = {code: str(label) for code, label in interaction_choices()}
    for i in db.session.scalars(select(Interaction).where(Interaction.customer_id == customer.id)
                                .order_by(Interaction.occurred_at.desc()).limit(LIMIT)):
        entries.append(TimelineEntry(i.occurred_at, f"crm.{i.kind}", f"{kinds.get(i.kind, i.kind)}: {i.summary[:200]}",
                                     user_id=i.user_id))
    for g in db.session.scalars(select(GradeChange).where(GradeChange.customer_id == customer.id)
                                .order_by(GradeChange.changed_at.desc()).limit(LIMIT)):
        text = _("Grade %(old)s → %(new)s", old=g.old_grade or "—", new=g.new_grade or "—")
        entries.append(TimelineEntry(g.changed_at, "crm.grade", f"{text} {g.reason or ''}".strip(),
                                     user_id=g.changed_by_id))
    for o in db.session.scalars(select(OwnershipChange).where(OwnershipChange.customer_id == customer.id)
                                .order_by(OwnershipChange.changed_at.desc()).limit(LIMIT)):
        entries.append(TimelineEntry(o.changed_at, "crm.owner", _("Owner changed") + (f": {o.reason}" if o.reason else ""),
                                     user_id=o.changed_by_id))
    for s in db.session.scalars(select(Survey).where(Survey.customer_id == customer.id,
                                                     Survey.answered_at.isnot(None))
                                .order_by(Survey.answered_at.desc()).limit(LIMIT)):
        entries.append(TimelineEntry(s.answered_at, "crm.survey", _("Satisfaction survey: %(n)s/5", n=s.rating)))
    return entries
