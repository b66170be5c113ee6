"""Data sets analytics can chart and export: cross-department issues and meeting action items, limited to what
the reader may see."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from core.contracts import DatasetColumn, DatasetDef
from core.identity.models import Department, User
from plugins.team.labels import ACTION_STATE_LABELS, ISSUE_STATE_LABELS, SEVERITY_LABELS
from plugins.team.models import ActionItem, Issue, Meeting
from plugins.team.services import issues, meetings


def issues_query(user: Any) -> Any:
    target = aliased(Department)
    raiser = aliased(User)
    return (select(Issue.id, Issue.created_at, Issue.severity, Issue.state, target.name.label("department"),
                   raiser.name.label("raised_by"), Issue.sla_due_at, Issue.resolved_at)
            .join(target, target.id == Issue.target_department_id).join(raiser, raiser.id == Issue.raised_by_id)
            .where(issues.visible(user)))


def action_items_query(user: Any) -> Any:
    owner = aliased(User)
    return (select(ActionItem.id, Meeting.title.label("meeting"), Meeting.starts_at, ActionItem.title,
                   owner.name.label("owner"), ActionItem.due_on, ActionItem.state, ActionItem.done_at)
            .join(Meeting, Meeting.id == ActionItem.meeting_id).join(owner, owner.id == ActionItem.owner_id)
            .where(meetings.visible(user)))


def definitions() -> list[DatasetDef]:
    return [
        DatasetDef("team.issues", _l("Cross-department issues"), (
            DatasetColumn("id", _l("ID"), "int", role="key"), DatasetColumn("created_at", _l("Raised"), "datetime"),
            DatasetColumn("severity", _l("Severity"), value_labels=SEVERITY_LABELS),
            DatasetColumn("state", _l("State"), value_labels=ISSUE_STATE_LABELS),
            DatasetColumn("department", _l("Department")), DatasetColumn("raised_by", _l("Raised by")),
            DatasetColumn("sla_due_at", _l("Due"), "datetime"), DatasetColumn("resolved_at", _l("Resolved"),
                                                                               "datetime"),
        ), "team.issue.view", issues_query, date_column="created_at"),
        DatasetDef("team.action_items", _l("Meeting action items"), (
            DatasetColumn("id", _l("ID"), "int", role="key"), DatasetColumn("meeting", _l("Meeting")),
            DatasetColumn("starts_at", _l("Meeting date"), "datetime"), DatasetColumn("title", _l("Action item")),
            DatasetColumn("owner", _l("Owner")), DatasetColumn("due_on", _l("Due"), "date"),
            DatasetColumn("state", _l("State"), value_labels=ACTION_STATE_LABELS),
            DatasetColumn("done_at", _l("Done"), "datetime"),
        ), "team.meeting.view", action_items_query, date_column="starts_at"),
    ]
