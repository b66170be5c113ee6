"""The appraisal's events on its timeline: submissions, reads, finalisation, appeals, reopenings with reasons."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.contracts import TimelineEntry
from core.extensions import db
from plugins.appraisal.labels import EVENT_LABELS
from plugins.appraisal.models import Appraisal, Event

LIMIT = 100


def entries_for(obj: Any) -> list[TimelineEntry]:
    if not isinstance(obj, Appraisal):
        return []
    entries = [TimelineEntry(at=obj.created_at, kind="appraisal", text=_("Appraisal opened"))]
    for event in db.session.scalars(select(Event).where(Event.appraisal_id == obj.id)
                                    .order_by(Event.at.desc()).limit(LIMIT)):
        text = str(EVENT_LABELS.get(event.kind, event.kind))
        if event.note:
            text += f" — {event.note}"
        entries.append(TimelineEntry(at=event.at, kind="appraisal", text=text, user_id=event.user_id))
    return entries
