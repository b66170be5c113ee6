"""After-sales tickets (R6.6.2): SLA from priority, resolution required, overdue tickets escalate once."""

from datetime import timedelta

import pytest

from plugins.pipeline.services import PipelineError
from plugins.pipeline.services.tickets import change_state, escalate_overdue, open_ticket

pytestmark = pytest.mark.usefixtures("english")  # they match the services' English messages


def test_the_sla_follows_the_priority_and_resolving_needs_a_resolution(db, team, customer):
    ticket = open_ticket(db.session, customer_id=customer.id, kind="complaint", priority="urgent",
                         subject="发货错误", assignee_id=team["rep"].id)
    assert ticket.sla_due_at - ticket.created_at == timedelta(hours=4)
    with pytest.raises(PipelineError, match="resolution"):
        change_state(db.session, ticket, "resolved")
    change_state(db.session, ticket, "resolved", resolution="补发正确型号")
    with pytest.raises(PipelineError, match="cannot move"):
        change_state(db.session, ticket, "open")
    change_state(db.session, ticket, "closed")


def test_bad_input_is_refused(db, team, customer):
    with pytest.raises(PipelineError, match="kind"):
        open_ticket(db.session, customer_id=customer.id, kind="rant", priority="low", subject="x",
                    assignee_id=team["rep"].id)
    with pytest.raises(PipelineError, match="subject"):
        open_ticket(db.session, customer_id=customer.id, kind="support", priority="low", subject=" ",
                    assignee_id=team["rep"].id)


def test_an_overdue_ticket_escalates_to_the_supervisor_once(db, team, customer):
    from core.notifications.models import Notification

    ticket = open_ticket(db.session, customer_id=customer.id, kind="complaint", priority="high",
                         subject="屏幕损坏", assignee_id=team["rep"].id)
    ticket.sla_due_at -= timedelta(days=2)
    db.session.commit()
    assert escalate_overdue(db.session) == 1
    assert escalate_overdue(db.session) == 0
    notes = db.session.query(Notification).filter_by(recipient_id=team["supervisor"].id).all()
    assert len(notes) == 1 and notes[0].params["subject"] == "屏幕损坏"
    # issue 12: once the ticket is resolved the escalation is no longer waiting in the supervisor's list
    from core.notifications.service import unread_count

    assert unread_count(team["supervisor"]) == 1
    change_state(db.session, ticket, "in_progress")
    change_state(db.session, ticket, "resolved", "已上门更换屏幕")
    db.session.commit()
    assert unread_count(team["supervisor"]) == 0
