"""Timeline entries of issues (their escalation) and meetings (their closing); the core adds comments, files
and audited changes."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from core.contracts import TimelineEntry
from plugins.team.models import Issue, Meeting


def entries_for(obj: Any) -> list[TimelineEntry]:
    if isinstance(obj, Issue) and obj.escalated_at is not None:
        who = obj.escalated_to.name if getattr(obj, "escalated_to", None) else None
        text = _("Past its deadline: escalated to %(name)s", name=who) if who \
            else _("Past its deadline: escalated (the department has no head)")
        return [TimelineEntry(at=obj.escalated_at, kind="escalation", text=text)]
    if isinstance(obj, Meeting) and obj.closed_at is not None:
        return [TimelineEntry(at=obj.closed_at, kind="minutes", text=_("Minutes closed and sent to the attendees"))]
    return []
