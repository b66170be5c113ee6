"""What training adds to records' timelines: a person's plan shows when its items were done."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from core.contracts import TimelineEntry


def entries_for(obj: Any) -> list[TimelineEntry]:
    from plugins.training.models import TrainingPlan

    if not isinstance(obj, TrainingPlan):
        return []
    entries = []
    if obj.confirmed_at is not None:
        entries.append(TimelineEntry(at=obj.confirmed_at, kind="training.plan", text=_("Plan confirmed")))
    for item in obj.items:
        if item.done_at is not None:
            entries.append(TimelineEntry(at=item.done_at, kind="training.plan",
                                         text=_("Done: %(title)s", title=item.title)))
    return entries
