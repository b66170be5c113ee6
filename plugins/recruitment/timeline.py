"""Timeline entries of applications: their stage changes (the core timeline adds comments, files and changes)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.contracts import TimelineEntry
from core.extensions import db
from plugins.recruitment.labels import STAGE_LABELS
from plugins.recruitment.models import Application, StageChange

LIMIT = 100


def entries_for(obj: Any) -> list[TimelineEntry]:
    if not isinstance(obj, Application):
        return []
    changes = db.session.scalars(select(StageChange).where(StageChange.application_id == obj.id)
                                 .order_by(StageChange.at.desc(), StageChange.id.desc()).limit(LIMIT)).all()
    entries = []
    for change in changes:
        if change.from_stage is None:
            text = _("Applied; at %(stage)s", stage=STAGE_LABELS[change.to_stage])
        elif change.from_stage == change.to_stage:
            text = _("Closed at %(stage)s", stage=STAGE_LABELS[change.to_stage])
        else:
            text = _("Moved from %(old)s to %(new)s", old=STAGE_LABELS[change.from_stage],
                     new=STAGE_LABELS[change.to_stage])
        entries.append(TimelineEntry(at=change.at, kind="stage", text=text, user_id=change.user_id))
    return entries
