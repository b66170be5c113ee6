"""Timeline entries of deals: their stage changes (the core timeline adds comments, files and audited changes)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.contracts import TimelineEntry
from core.extensions import db
from plugins.pipeline.models import Deal, DealStageChange
from plugins.pipeline.services.stages import STAGE_LABELS

LIMIT = 100


def entries_for(obj: Any) -> list[TimelineEntry]:
    if not isinstance(obj, Deal):
        return []
    changes = db.session.scalars(select(DealStageChange).where(DealStageChange.deal_id == obj.id)
                                 .order_by(DealStageChange.at.desc()).limit(LIMIT)).all()
    entries = []
    for change in changes:
        if change.from_stage is None:
            text = _("Deal opened at %(stage)s", stage=STAGE_LABELS[change.to_stage])
        elif change.backwards:
            text = _("Moved back from %(old)s to %(new)s", old=STAGE_LABELS[change.from_stage],
                     new=STAGE_LABELS[change.to_stage])
        else:
            text = _("Moved from %(old)s to %(new)s", old=STAGE_LABELS[change.from_stage],
                     new=STAGE_LABELS[change.to_stage])
        if change.note:
            text += f" — {change.note}"
        entries.append(TimelineEntry(at=change.at, kind="stage", text=text, user_id=change.user_id))
    return entries
