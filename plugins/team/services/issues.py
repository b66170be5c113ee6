"""Cross-department issues (R8.2.3, R2.2.5, R2.3.5): raised to another department with a severity, due within
the severity's SLA (settings), handled by an assignee of that department, escalated to the department's head
when the SLA passes, reported as open and overdue by department. Comments are the core timeline's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select, update

from core.identity.models import Department, User
from core.security import can
from core.timeutil import utcnow
from plugins.team.models import SEVERITIES, Issue
from plugins.team.services import TeamError, robots
from plugins.team.settings import SLA_DEFAULT_HOURS

MANAGE = "team.issue.manage"
NEXT_STATES = {"open": ("in_progress", "resolved"), "in_progress": ("resolved",), "resolved": ("closed", "open"),
               "closed": ()}


def issue_path(issue_id: int) -> str:
    return f"/team/issues/{issue_id}"


def sla_hours(severity: str) -> int:
    from core.settings import get_setting

    try:
        hours = int(get_setting(f"team.sla_hours_{severity}"))
    except (KeyError, TypeError, ValueError):
        hours = SLA_DEFAULT_HOURS[severity]
    return max(1, hours)


def raise_issue(session: Any, user: Any, *, title: str, description: str, severity: str,
                target_department_id: int | None, assignee_id: int | None = None) -> Issue:
    from core.notifications.service import notify

    if not (title or "").strip():
        raise TeamError(_l("Give the issue a title."), "title")
    if not (description or "").strip():
        raise TeamError(_l("Describe the issue."), "description")
    if severity not in SEVERITIES:
        raise TeamError(_l("Choose a severity."), "severity")
    target = session.get(Department, target_department_id) if target_department_id else None
    if target is None:
        raise TeamError(_l("Choose the department the issue is for."), "target_department_id")
    if user.department_id and target.id == user.department_id:
        raise TeamError(_l("Raise issues to another department; your own department's are handled inside it."),
                        "target_department_id")
    assignee = None
    if assignee_id:
        assignee = session.get(User, assignee_id)
        if assignee is None or not assignee.active or assignee.department_id != target.id:
            raise TeamError(_l("The assignee must be an active member of that department."), "assignee_id")
    now = utcnow()
    issue = Issue(title=title.strip(), description=description.strip(), severity=severity,
                  source_department_id=user.department_id, target_department_id=target.id, raised_by_id=user.id,
                  assignee_id=assignee.id if assignee else None, created_at=now,
                  sla_due_at=now + timedelta(hours=sla_hours(severity)))
    session.add(issue)
    session.flush()
    told = assignee or (target.head if target.head and target.head.active else None)
    if told is not None and told.id != user.id:
        notify(told, _l("Issue raised to your department: %(title)s"), issue_path(issue.id), title=issue.title)
    robots.queue(session, audience="department", department_id=target.id, team_leader_id=None,
                 title=str(_l("Cross-department issue")) + ": " + issue.title, text=issue.description[:500],
                 url=issue_path(issue.id), sender=user)
    return issue


# ---------------------------------------------------------------------------------------------------- access


def visible(user: Any) -> Any:
    """The condition on Issue for what ``user`` may see: issues of their department (either side), theirs,
    or all for managers of issues."""
    if can(user, MANAGE):
        return Issue.id.is_not(None)
    mine = or_(Issue.raised_by_id == user.id, Issue.assignee_id == user.id, Issue.escalated_to_id == user.id)
    if user.department_id:
        return or_(mine, Issue.target_department_id == user.department_id,
                   Issue.source_department_id == user.department_id)
    return mine


def may_see(user: Any, issue: Issue) -> bool:
    """``visible`` for one issue already loaded, without a statement."""
    if can(user, MANAGE):
        return True
    if user.id in (issue.raised_by_id, issue.assignee_id, issue.escalated_to_id):
        return True
    return bool(user.department_id) and user.department_id in (issue.target_department_id,
                                                               issue.source_department_id)


def may_handle(user: Any, issue: Issue) -> bool:
    """Members of the target department (and managers of issues) assign and resolve."""
    return can(user, MANAGE) or (user.department_id is not None and user.department_id == issue.target_department_id) \
        or issue.assignee_id == user.id or issue.escalated_to_id == user.id


def may_close(user: Any, issue: Issue) -> bool:
    """Whoever raised it (or a manager of issues) closes or reopens a resolved issue."""
    return issue.raised_by_id == user.id or can(user, MANAGE)


def next_states(user: Any, issue: Issue) -> list[str]:
    states = []
    for state in NEXT_STATES[issue.state]:
        if state in ("closed", "open") and issue.state == "resolved":
            if may_close(user, issue):
                states.append(state)
        elif may_handle(user, issue):
            states.append(state)
    return states


def assign(session: Any, issue: Issue, user: Any, assignee_id: int | None) -> None:
    from core.notifications.service import notify

    if not may_handle(user, issue):
        raise TeamError(_l("Only the department the issue is for assigns it."))
    if issue.state in ("resolved", "closed"):
        raise TeamError(_l("This issue is already resolved."))
    assignee = session.get(User, assignee_id) if assignee_id else None
    if assignee is None or not assignee.active or assignee.department_id != issue.target_department_id:
        raise TeamError(_l("The assignee must be an active member of that department."), "assignee_id")
    issue.assignee_id = assignee.id
    session.flush()
    if assignee.id != user.id:
        notify(assignee, _l("Issue assigned to you: %(title)s"), issue_path(issue.id), title=issue.title)


def change_state(session: Any, issue: Issue, user: Any, state: str, resolution: str | None = None,
                 expected_version: int | None = None) -> None:
    """Move the issue on; concurrent changes resolve to one (the version), the other is told."""
    from sqlalchemy.orm.exc import StaleDataError

    from core.notifications.service import notify

    if state not in next_states(user, issue):
        raise TeamError(_l("This change is not possible now."), "state")
    if expected_version is not None and issue.version != expected_version:
        raise TeamError(_l("Someone else changed this issue meanwhile. Reload the page and try again."))
    if state == "resolved":
        if not (resolution or "").strip():
            raise TeamError(_l("Say how the issue was resolved."), "resolution")
        issue.resolution, issue.resolved_at = resolution.strip(), utcnow()
    if state == "open":
        issue.resolved_at = None
    issue.state = state
    try:
        session.flush()
    except StaleDataError as exc:
        session.rollback()
        raise TeamError(_l("Someone else changed this issue meanwhile. Reload the page and try again.")) from exc
    if state == "resolved" and issue.raised_by_id != user.id:
        notify(issue.raised_by, _l("Your issue was resolved: %(title)s"), issue_path(issue.id), title=issue.title)


# ---------------------------------------------------------------------------------------------------- escalation


def _head_for(session: Any, department_id: int) -> User | None:
    """The department's head, else the nearest parent department's head (active people only)."""
    seen: set[int] = set()
    current = session.get(Department, department_id)
    while current is not None and current.id not in seen:
        seen.add(current.id)
        if current.head is not None and current.head.active:
            return current.head
        current = current.parent
    return None


def escalate_overdue(session: Any, now: Any = None) -> int:
    """Issues past their SLA, not yet escalated, go to the target department's head (R8.2.3): told in-app and
    by the department's robots. Each issue is escalated once (a conditional UPDATE)."""
    from core.notifications.service import notify

    now = now or utcnow()
    due = list(session.scalars(select(Issue).where(Issue.state.in_(("open", "in_progress")), Issue.sla_due_at < now,
                                                   Issue.escalated_at.is_(None))
                               .order_by(Issue.sla_due_at).limit(500)).unique())
    done = 0
    for issue in due:
        head = _head_for(session, issue.target_department_id)
        result = session.execute(update(Issue).where(Issue.id == issue.id, Issue.escalated_at.is_(None))
                                 .values(escalated_at=now, escalated_to_id=head.id if head else None,
                                         version=Issue.version + 1)
                                 .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            continue
        session.expire(issue)
        done += 1
        if head is not None:
            notify(head, _l("Issue past its deadline in your department: %(title)s"), issue_path(issue.id),
                   title=issue.title)
        if issue.raised_by.active:
            notify(issue.raised_by, _l("Your issue passed its deadline and went to the department head: "
                                       "%(title)s"), issue_path(issue.id), title=issue.title)
    session.flush()
    return done


# ---------------------------------------------------------------------------------------------------- report


def report_by_department(session: Any, now: Any = None) -> list[dict[str, Any]]:
    """Open and overdue issues by target department: one grouped statement."""
    now = now or utcnow()
    is_open = Issue.state.in_(("open", "in_progress"))
    rows = session.execute(
        select(Department.id, Department.name,
               func.count(Issue.id),
               func.sum(case((Issue.sla_due_at < now, 1), else_=0)),
               func.sum(case((Issue.escalated_at.is_not(None), 1), else_=0)))
        .join(Issue, Issue.target_department_id == Department.id).where(is_open)
        .group_by(Department.id, Department.name).order_by(Department.name)).all()
    return [{"department_id": d, "department": name, "open": n, "overdue": int(late or 0),
             "escalated": int(esc or 0)} for d, name, n, late, esc in rows]
