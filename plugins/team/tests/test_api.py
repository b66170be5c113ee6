"""The team module's JSON API (/api/v1/team): the same visibility and rules as the pages (404 outside, 403 without
the right, 422 naming the field, 409 when someone else was first), read receipts recorded once, a token caller,
and the endpoints in the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.api.tokens import create_token
from core.testing.concurrency import race
from core.timeline.models import Comment
from core.timeutil import local_date
from plugins.team.models import ActionItem, Issue, Kudos, NoticeRead
from plugins.team.services import actions, issues, meetings, notices


def test_notices_are_listed_as_on_the_board_and_a_receipt_is_recorded_once(app, db, people, login_as):
    everyone = notices.publish(db.session, people["hr"], title="年会通知", body="周五", required=True)
    finance = notices.publish(db.session, people["hr"], title="财务部通知", body="对账", audience="department",
                              department_id=people["finance"].id)
    db.session.commit()
    rep = login_as(people["rep"], on=app.test_client())
    listed = rep.get("/api/v1/team/notices").get_json()
    assert [n["id"] for n in listed["items"]] == [everyone.id] and listed["total"] == 1
    assert listed["items"][0]["read_at"] is None and listed["items"][0]["required"] is True
    assert rep.get(f"/api/v1/team/notices/{finance.id}").status_code == 404  # another department's
    assert rep.post(f"/api/v1/team/notices/{finance.id}/read").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(NoticeRead)) == 0  # reading the list records nothing

    first = rep.post(f"/api/v1/team/notices/{everyone.id}/read")
    assert first.status_code == 200 and first.get_json()["recorded"] is True
    again = rep.post(f"/api/v1/team/notices/{everyone.id}/read").get_json()
    assert again["recorded"] is False and again["read_at"] == first.get_json()["read_at"]
    assert db.session.scalar(select(func.count()).select_from(NoticeRead)) == 1
    assert rep.get("/api/v1/team/notices?unread=true").get_json()["items"] == []
    assert rep.get("/api/v1/team/notices").get_json()["items"][0]["read_at"] == again["read_at"]
    # The author's follow-up on the page agrees: one of the audience has read it.
    assert notices.receipts(db.session, everyone).read == 1
    assert rep.get("/api/v1/team/notices?unread=maybe").status_code == 422
    assert rep.get("/api/v1/team/notices?colour=red").status_code == 422


def _meeting_with_item(db, people):
    series = meetings.create_series(db.session, people["supervisor"], title="周例会", recurrence="weekly", day=2,
                                    start_time="10:00", duration_minutes=45)
    meeting = meetings.schedule_next(db.session, series, people["supervisor"])
    item = actions.add_item(db.session, meeting, people["supervisor"], title="回访三家客户",
                            owner_id=people["rep"].id, due_on=local_date(meeting.starts_at) + timedelta(days=3))
    db.session.commit()
    return meeting, item


def test_meetings_and_action_items_with_done_exactly_once(app, db, people, login_as, make_user):
    meeting, item = _meeting_with_item(db, people)
    token = create_token(db.session, people["rep"].id, "phone")[1]
    db.session.commit()
    rep = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    assert [m["id"] for m in rep.get("/api/v1/team/meetings", headers=auth).get_json()["items"]] == [meeting.id]
    mine = rep.get("/api/v1/team/action-items?mine=true&state=open", headers=auth).get_json()
    assert [i["id"] for i in mine["items"]] == [item.id] and mine["items"][0]["due_on"] == item.due_on.isoformat()

    rep2 = login_as(people["rep2"], on=app.test_client())  # an attendee: sees the item, may not close it
    assert [i["id"] for i in rep2.get("/api/v1/team/action-items").get_json()["items"]] == [item.id]
    assert rep2.post(f"/api/v1/team/action-items/{item.id}/done").status_code == 403
    clerk = login_as(people["clerk"], on=app.test_client())  # outside the team: nothing to see
    assert clerk.get(f"/api/v1/team/meetings/{meeting.id}").status_code == 404
    assert clerk.post(f"/api/v1/team/action-items/{item.id}/done").status_code == 404
    assert clerk.get("/api/v1/team/action-items").get_json()["total"] == 0

    done = rep.post(f"/api/v1/team/action-items/{item.id}/done", headers=auth)
    assert done.status_code == 200 and done.get_json()["state"] == "done"
    assert done.get_json()["done_by_id"] == people["rep"].id
    twice = rep.post(f"/api/v1/team/action-items/{item.id}/done", headers=auth)
    assert twice.status_code == 409 and twice.get_json()["error"]["message"]
    assert rep.get("/api/v1/team/action-items?mine=true&state=open", headers=auth).get_json()["items"] == []


def test_two_people_marking_one_item_done_at_once_one_wins_the_other_gets_409(app, db, people, make_app,
                                                                              login_as):
    _meeting, item = _meeting_with_item(db, people)
    owner, organizer = make_app().test_client(), make_app().test_client()
    login_as(people["rep"], on=owner)
    login_as(people["supervisor"], on=organizer)
    url = f"/api/v1/team/action-items/{item.id}/done"
    outcome = race(lambda: owner.post(url), lambda: organizer.post(url))
    outcome.raise_errors()
    assert outcome.interleaved
    assert sorted(r.status_code for r in outcome.results) == [200, 409]
    db.session.expire_all()
    done = db.session.get(ActionItem, item.id)
    assert done.state == "done"
    winner = [people["rep"], people["supervisor"]][[r.status_code for r in outcome.results].index(200)]
    assert done.done_by_id == winner.id


def test_issues_created_commented_and_moved_with_field_errors_and_version_conflicts(app, db, people, login_as):
    rep = login_as(people["rep"], on=app.test_client())
    body = {"title": "发票延迟", "description": "客户催了三次", "severity": "high",
            "target_department_id": people["finance"].id}
    own = rep.post("/api/v1/team/issues", json={**body, "target_department_id": people["sales"].id})
    assert own.status_code == 422 and "target_department_id" in own.get_json()["error"]["fields"]
    wrong = rep.post("/api/v1/team/issues", json={**body, "assignee_id": people["rep2"].id})
    assert wrong.status_code == 422 and "assignee_id" in wrong.get_json()["error"]["fields"]
    blank = rep.post("/api/v1/team/issues", json={**body, "title": "   ", "severity": "urgent"})
    assert blank.status_code == 422 and {"title", "severity"} <= set(blank.get_json()["error"]["fields"])
    assert rep.post("/api/v1/team/issues", data="{not json", content_type="application/json").status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Issue)) == 0  # nothing half-saved

    created = rep.post("/api/v1/team/issues", json={**body, "assignee_id": people["clerk"].id})
    assert created.status_code == 201
    issue = created.get_json()
    assert issue["state"] == "open" and issue["version"] == 1 and issue["overdue"] is False
    assert issue["source_department_id"] == people["sales"].id

    comment = rep.post(f"/api/v1/team/issues/{issue['id']}/comments", json={"body": "补充：@clerk 请看合同"})
    assert comment.status_code == 201 and comment.get_json()["author_id"] == people["rep"].id
    assert rep.post(f"/api/v1/team/issues/{issue['id']}/comments", json={"body": ""}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 1

    clerk = login_as(people["clerk"], on=app.test_client())
    listed = clerk.get("/api/v1/team/issues?state=active").get_json()
    assert [i["id"] for i in listed["items"]] == [issue["id"]]
    hr = login_as(people["hr"], on=app.test_client())  # neither department: not seen
    assert hr.get(f"/api/v1/team/issues/{issue['id']}").status_code == 404
    assert hr.post(f"/api/v1/team/issues/{issue['id']}/comments", json={"body": "x"}).status_code == 404

    url = f"/api/v1/team/issues/{issue['id']}/state"
    refused = clerk.post(url, json={"state": "resolved", "expected_version": 1})
    assert refused.status_code == 422 and "resolution" in refused.get_json()["error"]["fields"]
    assert rep.post(url, json={"state": "in_progress", "expected_version": 1}).status_code == 422  # not theirs
    moved = clerk.post(url, json={"state": "in_progress", "expected_version": 1})
    assert moved.status_code == 200 and moved.get_json()["version"] == 2
    stale = clerk.post(url, json={"state": "resolved", "resolution": "已开票", "expected_version": 1})
    assert stale.status_code == 409 and "刷新" in stale.get_json()["error"]["message"]
    resolved = clerk.post(url, json={"state": "resolved", "resolution": "已开票", "expected_version": 2})
    assert resolved.status_code == 200 and resolved.get_json()["resolution"] == "已开票"


def test_two_people_moving_one_issue_at_once_one_wins_the_other_gets_409(app, db, people, make_app, login_as):
    issue = issues.raise_issue(db.session, people["rep"], title="退款慢", description="客户投诉", severity="normal",
                               target_department_id=people["finance"].id)
    db.session.commit()
    head, clerk = make_app().test_client(), make_app().test_client()
    login_as(people["head"], on=head)
    login_as(people["clerk"], on=clerk)
    url = f"/api/v1/team/issues/{issue.id}/state"
    outcome = race(lambda: head.post(url, json={"state": "in_progress", "expected_version": 1}),
                   lambda: clerk.post(url, json={"state": "resolved", "resolution": "已退款", "expected_version": 1}))
    outcome.raise_errors()
    assert outcome.interleaved
    statuses = [r.status_code for r in outcome.results]
    assert sorted(statuses) == [200, 409]
    db.session.expire_all()
    assert db.session.get(Issue, issue.id).state == ("in_progress" if statuses[0] == 200 else "resolved")
    assert db.session.get(Issue, issue.id).version == 2


def test_kudos_by_api_and_the_endpoints_in_the_openapi_document(app, db, people, login_as):
    rep = login_as(people["rep"], on=app.test_client())
    assert rep.post("/api/v1/team/kudos", json={"to_id": people["rep"].id, "reason": "自己"}).status_code == 422
    missing = rep.post("/api/v1/team/kudos", json={"to_id": 99999999, "reason": "谢谢"})
    assert missing.status_code == 422 and "to_id" in missing.get_json()["error"]["fields"]
    assert rep.post("/api/v1/team/kudos", json={"to_id": people["head"].id}).status_code == 422
    assert rep.post("/api/v1/team/kudos", json={"to_id": "x", "reason": "y"}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Kudos)) == 0
    sent = rep.post("/api/v1/team/kudos", json={"to_id": people["head"].id, "reason": "对账很快"})
    assert sent.status_code == 201 and sent.get_json()["to_id"] == people["head"].id

    paths = rep.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/team/notices", "/api/v1/team/notices/{notice_id}/read", "/api/v1/team/meetings",
                 "/api/v1/team/action-items/{item_id}/done", "/api/v1/team/issues",
                 "/api/v1/team/issues/{issue_id}/comments", "/api/v1/team/issues/{issue_id}/state",
                 "/api/v1/team/kudos"):
        assert path in paths, path
    assert "to_id" in paths["/api/v1/team/kudos"]["post"]["x-rules"]
    assert app.test_client().get("/api/v1/team/notices").status_code == 401
