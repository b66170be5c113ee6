"""Cross-department issues (R8.2.3, R2.2.5, R2.3.5): raised with an SLA per severity (settings), an assignee of
the target department, comments, escalation to the department head when the SLA passes, the report."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.notifications.models import Notification
from core.timeutil import utcnow
from plugins.team.models import Issue
from plugins.team.services import issues


def raise_one(client, people, **changes):
    data = {"title": "大客户开票延迟", "description": "客户要求本周开专票。", "severity": "high",
            "target_department_id": str(people["finance"].id)}
    data.update(changes)
    return client.post("/team/issues/new", data=data)


def test_an_issue_is_due_within_its_severitys_sla(app, db, people, login_as):
    from core.settings import set_setting

    set_setting("team.sla_hours_high", 10)
    db.session.commit()
    rep = login_as(people["rep"], on=app.test_client())
    before = utcnow()
    assert raise_one(rep, people).status_code == 302
    issue = db.session.scalar(select(Issue))
    assert timedelta(hours=10) <= issue.sla_due_at - before < timedelta(hours=10, minutes=1)
    assert issue.source_department_id == people["sales"].id
    # Nobody assigned: the department's head is told.
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.recipient_id == people["head"].id)) == 1


def test_the_assignee_must_belong_to_the_target_department(app, db, people, login_as):
    rep = login_as(people["rep"], on=app.test_client())
    answer = raise_one(rep, people, assignee_id=str(people["rep2"].id))
    assert answer.status_code == 422 and "处理人必须是该部门的在职人员" in answer.get_data(as_text=True)
    answer = raise_one(rep, people, target_department_id=str(people["sales"].id))
    assert answer.status_code == 422
    answer = raise_one(rep, people, severity="apocalyptic", target_department_id="9" * 30)
    assert answer.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Issue)) == 0
    assert raise_one(rep, people, assignee_id=str(people["clerk"].id)).status_code == 302


def test_past_its_sla_an_issue_is_escalated_once_to_the_department_head(app, db, people, login_as):
    issue = issues.raise_issue(db.session, people["rep"], title="退款未到账", description="客户投诉。",
                               severity="critical", target_department_id=people["finance"].id,
                               assignee_id=people["clerk"].id)
    db.session.commit()
    assert issues.escalate_overdue(db.session) == 0  # within its SLA
    later = issue.sla_due_at + timedelta(minutes=5)
    assert issues.escalate_overdue(db.session, now=later) == 1
    db.session.commit()
    assert issues.escalate_overdue(db.session, now=later + timedelta(hours=1)) == 0
    db.session.expire_all()
    issue = db.session.get(Issue, issue.id)
    assert issue.escalated_to_id == people["head"].id and issue.escalated_at == later
    told = db.session.scalars(select(Notification.url).where(Notification.recipient_id == people["head"].id)).all()
    assert f"/team/issues/{issue.id}" in told
    report = issues.report_by_department(db.session, now=later)
    assert report == [{"department_id": people["finance"].id, "department": "财务部", "open": 1, "overdue": 1,
                       "escalated": 1}]
    page = login_as(people["manager"], on=app.test_client()).get("/team/issues/report").get_data(as_text=True)
    assert "财务部" in page


def test_the_target_department_resolves_and_the_raiser_closes(app, db, people, login_as):
    issue = issues.raise_issue(db.session, people["rep"], title="发票抬头错误", description="需重开。",
                               severity="normal", target_department_id=people["finance"].id)
    db.session.commit()
    rep = login_as(people["rep"], on=app.test_client())
    clerk = login_as(people["clerk"], on=app.test_client())
    # The raiser cannot resolve it for the other department.
    rep.post(f"/team/issues/{issue.id}/state", data={"state": "resolved", "resolution": "x"})
    db.session.expire_all()
    assert db.session.get(Issue, issue.id).state == "open"
    clerk.post(f"/team/issues/{issue.id}/state", data={"state": "resolved", "resolution": ""})
    db.session.expire_all()
    assert db.session.get(Issue, issue.id).state == "open"  # a resolution is required
    clerk.post(f"/team/issues/{issue.id}/state", data={"state": "resolved", "resolution": "已重开发票"})
    db.session.expire_all()
    assert db.session.get(Issue, issue.id).state == "resolved"
    rep.post(f"/team/issues/{issue.id}/state", data={"state": "closed"})
    db.session.expire_all()
    assert db.session.get(Issue, issue.id).state == "closed"
    # Comments go through the core timeline.
    assert clerk.post(f"/timeline/team_issue/{issue.id}/comments", data={"body": "已处理"}).status_code in (302, 303)


def test_issues_are_seen_by_the_departments_involved_only(app, db, people, login_as):
    issue = issues.raise_issue(db.session, people["rep"], title="物流延迟", description="x", severity="low",
                               target_department_id=people["finance"].id)
    db.session.commit()
    assert login_as(people["hr"], on=app.test_client()).get(f"/team/issues/{issue.id}").status_code == 404
    assert login_as(people["clerk"], on=app.test_client()).get(f"/team/issues/{issue.id}").status_code == 200
    assert login_as(people["rep2"], on=app.test_client()).get(f"/team/issues/{issue.id}").status_code == 200


def test_an_issue_files_and_comments_are_no_easier_to_reach_than_its_page(app, db, people, login_as):
    """The core's record look-up (attachments, comments) asks the issue who may see it, as the page does."""
    from io import BytesIO

    from werkzeug.datastructures import FileStorage

    from core.attachments.services import attach

    issue = issues.raise_issue(db.session, people["rep"], title="物流延迟", description="x", severity="low",
                               target_department_id=people["finance"].id)
    db.session.flush()
    pdf = FileStorage(BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), filename="note.pdf",
                      content_type="application/pdf")
    attachment = attach(issue, pdf, people["rep"])
    db.session.commit()
    outsider = login_as(people["hr"], on=app.test_client())
    assert outsider.get(f"/attachments/{attachment.id}/download").status_code == 404
    assert outsider.post(f"/timeline/team_issue/{issue.id}/comments", data={"body": "偷看"}).status_code == 404
    insider = login_as(people["clerk"], on=app.test_client())
    assert insider.get(f"/attachments/{attachment.id}/download").status_code == 200
