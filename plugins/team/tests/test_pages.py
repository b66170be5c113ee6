"""Every page of the team plugin, as every built-in role: it answers as declared (never a server error), shows
labels rather than codes, and the forms' bad input never breaks a page."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from core.timeutil import local_today, utcnow
from plugins.team.services import actions, activities, issues, meetings, notices, posts, robots

CODES = re.compile(r">\s*(in_progress|department_head|sales_rep|dingtalk|wecom|feishu|suggested|scheduled|"
                   r"team\.[a-z_.]+|None)\s*<")


@pytest.fixture
def records(db, people):
    notice = notices.publish(db.session, people["manager"], title="公告", body="正文", required=True)
    series = meetings.create_series(db.session, people["supervisor"], title="周会", recurrence="weekly", day=0,
                                    start_time="09:00", duration_minutes=60, kpi_keys=["team.kudos_received"])
    meeting = meetings.schedule_next(db.session, series, people["supervisor"])
    actions.add_item(db.session, meeting, people["supervisor"], title="回访", owner_id=people["rep"].id,
                     due_on=local_today() + timedelta(days=9))
    issue = issues.raise_issue(db.session, people["rep"], title="开票", description="x", severity="high",
                               target_department_id=people["finance"].id)
    post = posts.create_post(db.session, people["rep"], title="技巧", body="<p>x</p>", tags="话术")
    activity = activities.create_activity(db.session, people["hr"], title="聚餐", kind="dinner",
                                          starts_at=utcnow() + timedelta(days=5), location="A", capacity=None,
                                          cost=Decimal("100"))
    channel = robots.create_channel(db.session, people["manager"], name="群", provider="dingtalk",
                                    webhook_url="https://oapi.dingtalk.com/robot/send?access_token=x", secret="s",
                                    audience="all")
    robots.queue_to(db.session, [channel], title="t", text="x", sender=people["manager"])
    db.session.commit()
    return {"notice": notice, "meeting": meeting, "issue": issue, "post": post, "activity": activity,
            "series": series}


def urls(records):
    return ["/team/notices", "/team/notices/new", f"/team/notices/{records['notice'].id}",
            f"/team/notices/{records['notice'].id}/unread", "/team/meetings", "/team/meetings/series/new",
            f"/team/meetings/{records['meeting'].id}", f"/team/meetings/{records['meeting'].id}/invite.ics",
            "/team/actions", "/team/issues", "/team/issues?state=all", "/team/issues?overdue=1", "/team/issues/new",
            f"/team/issues/{records['issue'].id}", "/team/issues/report", "/team/posts", "/team/posts/new",
            f"/team/posts/{records['post'].id}", "/team/recognition", "/team/awards", "/team/activities",
            "/team/activities/new", f"/team/activities/{records['activity'].id}", "/team/robots",
            "/team/robots/messages", "/team/notices?page=abc", "/team/posts?page=²", "/", "/profile"]


@pytest.mark.parametrize("login", ["mgr", "sup", "rep", "fin", "clerk", "hr", "admin"])
def test_every_page_answers_as_declared(app, db, people, records, make_user, login_as, login):
    from core.identity.models import User

    user = make_user("admin", roles=["admin"]) if login == "admin" else db.session.query(User).filter_by(login=login).one()
    client = login_as(user, on=app.test_client())
    for url in urls(records):
        answer = client.get(url)
        assert answer.status_code in (200, 403, 404), (url, answer.status_code)
        if answer.status_code == 200 and answer.mimetype == "text/html":
            found = CODES.findall(answer.get_data(as_text=True))
            assert not found, (url, found)


def test_representatives_only_reach_what_everyone_may(app, people, records, login_as):
    client = login_as(people["rep"], on=app.test_client())
    for url in ("/team/notices/new", "/team/meetings/series/new", "/team/activities/new", "/team/robots"):
        assert client.get(url).status_code == 403, url
    for url in ("/team/notices", "/team/meetings", "/team/issues/new", "/team/posts/new", "/team/recognition"):
        assert client.get(url).status_code == 200, url


def test_forms_answer_bad_input_with_messages(app, db, people, records, login_as):
    manager = login_as(people["manager"], on=app.test_client())
    hr = login_as(people["hr"], on=app.test_client())
    for client, url, data in [
        (hr, "/team/activities/new", {"title": "x", "kind": "dinner", "starts_at": "2020-01-01T10:00",
                                      "cost": "Infinity"}),
        (hr, "/team/activities/new", {"title": "x", "kind": "dinner", "starts_at": "not a date", "capacity": "-1"}),
        (hr, "/team/awards/types", {"name": "", "kpi_key": "x", "winners": "99", "min_value": "NaN"}),
        (manager, "/team/robots", {"name": "x", "provider": "qq", "webhook_url": "https://x", "audience": "x"}),
        (manager, "/team/notices/new", {"title": "", "body": ""}),
        (manager, f"/team/meetings/{records['meeting'].id}/actions", {"title": "", "owner_id": "abc",
                                                                      "due_on": "2001-01-01"}),
        (manager, f"/team/meetings/{records['meeting'].id}/actions", {"title": "x", "owner_id": "99999999999999999",
                                                                      "due_on": "2001-01-01"}),
    ]:
        answer = client.post(url, data=data)
        assert answer.status_code == 422, (url, data, answer.status_code)
        assert 'class="field-error"' in answer.get_data(as_text=True) or "flash-error" in answer.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/team/issues?state=all", "/team/posts", "/team/meetings", "/team/actions"])
def test_lists_cost_the_same_statements_at_any_size(app, db, people, login_as, count_queries, url):
    def add(n):
        for i in range(n):
            issues.raise_issue(db.session, people["rep"] if i % 2 else people["rep2"], title=f"问题{i}",
                                       description="x", severity="normal", target_department_id=people["finance"].id,
                                       assignee_id=people["clerk"].id if i % 3 else None)
            posts.create_post(db.session, people["rep"] if i % 2 else people["supervisor"], title=f"文章{i}",
                              body="x", tags=f"t{i % 3}")
            series = meetings.create_series(db.session, people["supervisor"], title=f"会{i}", recurrence="weekly",
                                            day=i % 7, start_time="09:00", duration_minutes=30)
            meeting = meetings.create_meeting(db.session, people["supervisor"] if i % 2 else people["manager"],
                                              title=f"会{i}", starts_at=utcnow() + timedelta(days=1),
                                              duration_minutes=30, location=None, agenda=None, series=series,
                                              leader_id=people["supervisor"].id, invite=False)
            actions.add_item(db.session, meeting, people["manager"], title=f"事{i}", owner_id=people["rep"].id,
                             due_on=local_today() + timedelta(days=3 + i))
        db.session.commit()

    client = login_as(people["rep"], on=app.test_client())
    add(2)
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add(25)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), url
