"""After-sales service tickets (R6.6.2): priority, SLA due time, assignee, resolution; overdue tickets escalate to
the assignee's supervisor; closing a ticket asks the customer for a satisfaction rating through the CRM (R6.6.3)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from core.timeutil import utcnow
from plugins.pipeline.models import PRIORITIES, TICKET_KINDS, Ticket
from plugins.pipeline.services import PipelineError, flush_or_conflict

#: Hours to resolve, by priority (defaults of the plugin settings pipeline.sla_hours_<priority>).
DEFAULT_SLA_HOURS = {"urgent": 4, "high": 24, "normal": 72, "low": 168}
TRANSITIONS = {"open": ("in_progress", "resolved"), "in_progress": ("resolved", "open"),
               "resolved": ("closed", "in_progress"), "closed": ()}


def sla_hours(priority: str) -> int:
    from core.settings import get_setting

    return int(get_setting(f"pipeline.sla_hours_{priority}"))


def open_ticket(session: Any, *, customer_id: int, kind: str, priority: str, subject: str, assignee_id: int,
                description: str | None = None, order_id: int | None = None) -> Ticket:
    if kind not in TICKET_KINDS:
        raise PipelineError(_l("Choose a ticket kind."), "kind")
    if priority not in PRIORITIES:
        raise PipelineError(_l("Choose a priority."), "priority")
    if not (subject or "").strip():
        raise PipelineError(_l("Enter a subject."), "subject")
    now = utcnow()
    ticket = Ticket(customer_id=customer_id, order_id=order_id, kind=kind, priority=priority,
                    subject=subject.strip()[:200], description=description, assignee_id=assignee_id,
                    sla_due_at=now + timedelta(hours=sla_hours(priority)), created_at=now)
    session.add(ticket)
    session.flush()
    return ticket


def ticket_subject(ticket: Ticket) -> str:
    """What a ticket's escalation is about: resolved with the ticket."""
    return f"pipeline.ticket:{ticket.id}"


def change_state(session: Any, ticket: Ticket, to_state: str, resolution: str | None = None) -> None:
    if to_state not in TRANSITIONS.get(ticket.state, ()):
        raise PipelineError(_l("This ticket cannot move to that state now."), "state")
    if to_state == "resolved":
        if not (resolution or "").strip():
            raise PipelineError(_l("Describe the resolution."), "resolution")
        ticket.resolution = resolution.strip()  # type: ignore[union-attr]
        ticket.resolved_at = utcnow()
    if to_state in ("open", "in_progress"):
        ticket.resolved_at = None
    ticket.state = to_state
    # Versioned (models.Ticket.version): of two state changes at once one wins, the other is told.
    flush_or_conflict(session, _l("Someone else changed this ticket a moment ago. Reload it and try again."))
    if to_state in ("resolved", "closed"):
        from core.notifications import resolve_for

        resolve_for(ticket_subject(ticket))  # the supervisor's "past its deadline" is dealt with (issue 12)


def escalate_overdue(session: Any) -> int:
    """Tell the assignee's supervisor about each unresolved ticket past its SLA, once (R6.6.2)."""
    from core.identity.models import User
    from core.notifications import notify

    now = utcnow()
    overdue = session.scalars(select(Ticket).where(
        Ticket.state.in_(("open", "in_progress")), Ticket.sla_due_at < now, Ticket.escalated_at.is_(None))).all()
    escalated = 0
    for ticket in overdue:
        # A conditional UPDATE, not the versioned ORM write: someone changing the ticket's state meanwhile must
        # not make the job fail, and a ticket is escalated once.
        taken = session.execute(update(Ticket).where(Ticket.id == ticket.id, Ticket.escalated_at.is_(None))
                                .values(escalated_at=now).execution_options(synchronize_session=False))
        if taken.rowcount != 1:
            continue
        escalated += 1
        assignee = session.get(User, ticket.assignee_id)
        boss = session.get(User, assignee.superior_id) if assignee and assignee.superior_id else None
        if boss is not None:
            notify(boss, _l("Ticket %(subject)s is past its service deadline."), url=f"/pipeline/tickets/{ticket.id}",
                   about=ticket_subject(ticket), subject=ticket.subject)
    session.flush()
    session.expire_all()  # the rows were written without the ORM
    return escalated
