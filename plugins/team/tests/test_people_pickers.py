"""People are chosen by searching, not from a dropdown of the whole company (issue 12 searchable selects): kudos'
recipient, an issue's assignee when raising it and when assigning it. A forged or unknown id is a field error; the
services' rules (another department's member, not oneself) still speak next to the field."""

from __future__ import annotations

from sqlalchemy import func, select

from plugins.team.models import Issue, Kudos


def test_the_kudos_form_searches_people_and_refuses_an_unknown_id(app, db, people, login_as):
    rep = login_as(people["rep"], on=app.test_client())
    page = rep.get("/team/recognition").get_data(as_text=True)
    assert 'data-lookup="/lookup/core.user"' in page
    assert "钱财务" not in page  # nobody's name is listed in advance
    found = rep.get("/lookup/core.user?q=钱").get_json()
    assert [r["id"] for r in found["results"]] == [people["head"].id]

    refused = rep.post("/team/recognition/kudos", data={"to_id": "999999", "reason": "谢谢"})
    assert refused.status_code == 422
    assert rep.post("/team/recognition/kudos", data={"to_id": str(people["rep"].id), "reason": "谢谢"}) \
        .status_code == 422  # kudos go to someone else: the service's rule, next to the field
    assert db.session.scalar(select(func.count()).select_from(Kudos)) == 0
    sent = rep.post("/team/recognition/kudos", data={"to_id": str(people["head"].id), "reason": "对账很快"})
    assert sent.status_code == 302
    assert db.session.scalar(select(Kudos.to_id)) == people["head"].id


def test_assigning_an_issue_searches_people_and_keeps_the_department_rule(app, db, people, login_as):
    raiser = login_as(people["rep"], on=app.test_client())
    answer = raiser.post("/team/issues/new", data={
        "title": "发票延迟", "description": "客户催发票", "severity": "high",
        "target_department_id": str(people["finance"].id), "assignee_id": str(people["rep2"].id)})
    assert answer.status_code == 422 and "在职人员" in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Issue)) == 0
    answer = raiser.post("/team/issues/new", data={
        "title": "发票延迟", "description": "客户催发票", "severity": "high",
        "target_department_id": str(people["finance"].id)})
    assert answer.status_code == 302
    issue = db.session.scalar(select(Issue))

    head = login_as(people["head"], on=app.test_client())
    page = head.get(f"/team/issues/{issue.id}").get_data(as_text=True)
    assert "/lookup/core.user" in page
    wrong = head.post(f"/team/issues/{issue.id}/assign", data={"assignee_id": str(people["rep"].id)})
    assert wrong.status_code == 422 and "在职人员" in wrong.get_data(as_text=True)
    forged = head.post(f"/team/issues/{issue.id}/assign", data={"assignee_id": "abc"})
    assert forged.status_code == 422
    done = head.post(f"/team/issues/{issue.id}/assign", data={"assignee_id": str(people["clerk"].id)})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Issue, issue.id).assignee_id == people["clerk"].id


def test_the_issue_timeline_shows_changes_by_their_labels_never_field_names(app, db, people, login_as):
    """Every audited team model says what it is and which fields a reader follows (core/audit/labels.py)."""
    from core.audit.labels import tracked_fields
    from plugins.team import models

    for model in (models.Notice, models.MeetingSeries, models.Meeting, models.ActionItem, models.Issue,
                  models.Post, models.Kudos, models.AwardType, models.Award, models.Activity, models.RobotChannel):
        assert model.__label__ and model.__tracked__, model.__name__
        assert set(tracked_fields(model.__tablename__)) == set(model.__tracked__)
    assert "secret" not in models.RobotChannel.__tracked__ and "webhook_url" not in models.RobotChannel.__tracked__

    rep = login_as(people["rep"], on=app.test_client())
    rep.post("/team/issues/new", data={"title": "发票延迟", "description": "客户催发票", "severity": "high",
                                       "target_department_id": str(people["finance"].id)})
    issue = db.session.scalar(select(Issue))
    head = login_as(people["head"], on=app.test_client())
    head.post(f"/team/issues/{issue.id}/assign", data={"assignee_id": str(people["clerk"].id)})
    head.post(f"/team/issues/{issue.id}/state", data={"state": "in_progress", "version": "2"})
    page = head.get(f"/team/issues/{issue.id}").get_data(as_text=True)
    timeline = page[page.index('id="timeline"'):]
    assert "问题处理人" in timeline and "孙会计" in timeline
    assert "问题状态" in timeline and "处理中" in timeline
    for internal in ("in_progress", "assignee_id", "sla_due_at", "version"):
        assert internal not in timeline, internal
