"""Knowledge sharing (R8.1.2): HTML sanitised (no scripts, handlers or javascript: links), tags, likes once,
search (the global search hook), the month's most useful posts; team activities' capacity."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.timeutil import local_today, utcnow
from plugins.team.models import ActivitySignup, Post
from plugins.team.services import TeamError, activities, posts
from plugins.team.services.sanitize import sanitize


@pytest.mark.parametrize("dirty", [
    '<p>ok</p><script>alert(1)</script>',
    '<p onclick="alert(1)">ok</p>',
    '<a href="javascript:alert(1)">ok</a>',
    '<a href="java\tscript:alert(1)">ok</a>',
    '<a href="&#106;avascript:alert(1)">ok</a>',
    '<img src=x onerror=alert(1)>ok',
    '<svg><script>alert(1)</script></svg>ok',
    '<style>body{display:none}</style>ok',
    '<iframe src="https://evil.example"></iframe>ok',
])
def test_scripts_and_handlers_never_survive(dirty):
    safe, text = sanitize(dirty)
    lowered = safe.lower()
    assert "script" not in lowered and "onerror" not in lowered and "onclick" not in lowered
    assert "<iframe" not in lowered and "<style" not in lowered and "<img" not in lowered
    assert "ok" in safe and "alert" not in text


def test_allowed_markup_is_kept_and_plain_text_becomes_paragraphs():
    safe, _text = sanitize('<p>先认同<strong>再拆分</strong></p><ul><li>一</li></ul><a href="https://a.example/x">链接</a>')
    assert "<strong>再拆分</strong>" in safe and "<li>一</li>" in safe
    assert '<a href="https://a.example/x" rel="noopener nofollow">链接</a>' in safe
    assert sanitize("第一段\n\n第二段 <b")[0] != ""
    assert sanitize("第一段\n\n第二段")[0] == "<p>第一段</p><p>第二段</p>"


def test_a_post_page_shows_the_sanitised_html(app, db, people, login_as):
    client = login_as(people["rep"], on=app.test_client())
    answer = client.post("/team/posts/new", data={"title": "异议处理", "kind": "tip", "tags": "话术，价格异议",
                                                  "body": '<p>先认同</p><script>alert("x")</script>'})
    assert answer.status_code == 302
    post = db.session.scalar(select(Post))
    assert post.tags == "话术, 价格异议"
    page = client.get(f"/team/posts/{post.id}").get_data(as_text=True)
    assert "<p>先认同</p>" in page and 'alert("x")' not in page
    assert "异议处理" in client.get("/team/posts?tag=话术").get_data(as_text=True)
    assert "异议处理" not in client.get("/team/posts?q=不存在的词").get_data(as_text=True)
    answer = client.post("/team/posts/new", data={"title": "x", "kind": "tip", "body": "<script>a</script>"})
    assert answer.status_code == 422


def test_likes_count_once_and_make_the_months_most_useful(app, db, people):
    first = posts.create_post(db.session, people["rep"], title="A", body="a")
    second = posts.create_post(db.session, people["rep2"], title="B", body="b")
    for person in ("manager", "supervisor", "rep2"):
        assert posts.like(db.session, first, people[person])
    assert not posts.like(db.session, first, people["rep2"])
    posts.like(db.session, second, people["manager"])
    db.session.commit()
    assert db.session.get(Post, first.id).like_count == 3
    useful = posts.most_useful(db.session, local_today())
    assert [(p.title, n) for p, n in useful] == [("A", 3), ("B", 1)]
    assert posts.unlike(db.session, first, people["rep2"]) and not posts.unlike(db.session, first, people["rep2"])
    db.session.commit()
    assert db.session.get(Post, first.id).like_count == 2


def test_global_search_finds_posts_and_notices(app, db, people, login_as):
    from plugins.team.services import notices

    posts.create_post(db.session, people["rep"], title="直播声卡选型", body="双通道")
    notices.publish(db.session, people["manager"], title="直播间排班", body="见附件", audience="department",
                    department_id=people["finance"].id)
    db.session.commit()
    page = login_as(people["rep"], on=app.test_client()).get("/search?q=直播").get_data(as_text=True)
    assert "直播声卡选型" in page and "直播间排班" not in page  # the notice is not for the sales department
    page = login_as(people["clerk"], on=app.test_client()).get("/search?q=直播").get_data(as_text=True)
    assert "直播间排班" in page


def test_an_activity_holds_its_capacity(app, db, people):
    activity = activities.create_activity(db.session, people["hr"], title="团建", kind="dinner",
                                          starts_at=utcnow() + timedelta(days=3), location="食堂", capacity=2,
                                          cost=Decimal("800"))
    activities.sign_up(db.session, activity, people["rep"])
    with pytest.raises(TeamError):
        activities.sign_up(db.session, activity, people["rep"])
    activities.sign_up(db.session, activity, people["rep2"])
    with pytest.raises(TeamError):
        activities.sign_up(db.session, activity, people["clerk"])
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ActivitySignup)) == 2
    activities.withdraw(db.session, activity, people["rep"])
    activities.sign_up(db.session, activity, people["clerk"])
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ActivitySignup)) == 2
    with pytest.raises(TeamError):
        activities.create_activity(db.session, people["hr"], title="x", kind="dinner", starts_at=utcnow(),
                                   location=None, capacity=None, cost=Decimal("NaN"))


def test_a_post_names_the_record_it_is_about_to_those_who_may_see_it(app, db, people, login_as):
    """R8.1.2: a post can be linked to a customer, a deal or a course, picked with a searchable select; a reader
    who may not see the record (another representative's customer) is not told its name."""
    from plugins.crm.models import Customer

    customer = Customer(name="杭州云帆科技有限公司", name_key="杭州云帆科技", owner_id=people["rep"].id)
    db.session.add(customer)
    db.session.commit()
    client = login_as(people["rep"], on=app.test_client())
    form = client.get("/team/posts/new").get_data(as_text=True)
    assert 'data-lookup="/lookup/crm.customer"' in form and 'data-lookup="/lookup/training.course"' in form
    answer = client.post("/team/posts/new", data={"title": "大客户续约复盘", "kind": "case", "body": "复盘。",
                                                  "about_customer": str(customer.id)})
    assert answer.status_code == 302
    post = db.session.scalar(select(Post))
    assert (post.related_kind, post.related_id) == ("crm.customer", customer.id)
    page = client.get(f"/team/posts/{post.id}").get_data(as_text=True)
    assert f'href="/crm/customers/{customer.id}">杭州云帆科技有限公司</a>' in page
    other = login_as(people["rep2"], on=app.test_client()).get(f"/team/posts/{post.id}").get_data(as_text=True)
    assert "大客户续约复盘" in other and "杭州云帆科技有限公司" not in other and "team-about" not in other


def test_a_post_about_a_record_refuses_one_the_writer_cannot_see_or_two_at_once(app, db, people, login_as):
    from plugins.crm.models import Customer
    from plugins.training.models import TrainingCourse

    customer = Customer(name="宁波海曙贸易", name_key="宁波海曙贸易", owner_id=people["rep"].id)
    course = TrainingCourse(title="销售策略", kind="periodic")
    db.session.add_all([customer, course])
    db.session.commit()
    client = login_as(people["rep2"], on=app.test_client())
    post = {"title": "x", "kind": "tip", "body": "y"}
    assert client.post("/team/posts/new", data={**post, "about_customer": str(customer.id)}).status_code == 422
    both = client.post("/team/posts/new", data={**post, "about_course": str(course.id),
                                                "about_customer": str(customer.id)})
    assert both.status_code == 422
    mine = login_as(people["rep"], on=app.test_client())
    both = mine.post("/team/posts/new", data={**post, "about_course": str(course.id), "about_customer": str(customer.id)})
    assert both.status_code == 422 and "一条记录" in both.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0
    assert mine.post("/team/posts/new", data={**post, "about_course": str(course.id)}).status_code == 302
    saved = db.session.scalar(select(Post))
    assert (saved.related_kind, saved.related_id) == ("training.course", course.id)
    assert f'href="/training/courses/{course.id}">销售策略</a>' in mine.get(f"/team/posts/{saved.id}").get_data(as_text=True)



def test_only_those_who_may_share_experience_can_post_through_the_service(app, db, make_user):
    """The page asks for team.post.view, and so does the service the API and other plugins call (R8)."""
    outsider = make_user("outsider", roles=[])
    with app.test_request_context("/"), pytest.raises(TeamError):
        posts.create_post(db.session, outsider, title="Tip", body="text")
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0
