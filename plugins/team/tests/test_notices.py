"""The notice board (R8.2.1): audiences, read receipts, required reading and its follow-up, expiry, the unread
badge, bad input, and a board whose statement count does not grow with the notices."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.notifications.models import Notification
from core.notifications.service import unread_count
from core.timeutil import local_today, utcnow
from plugins.team.models import Notice, NoticeRead
from plugins.team.services import notices


def publish(db, author, **fields):
    fields.setdefault("title", "季度目标")
    fields.setdefault("body", "请查看本季度的目标分解。")
    notice = notices.publish(db.session, author, **fields)
    db.session.commit()
    return notice


def test_a_department_notice_reaches_that_department_only(app, db, people, login_as):
    notice = publish(db, people["manager"], audience="department", department_id=people["finance"].id)
    assert unread_count(people["clerk"]) == 1 and unread_count(people["head"]) == 1
    assert unread_count(people["rep"]) == 0
    rep = login_as(people["rep"], on=app.test_client())
    assert rep.get(f"/team/notices/{notice.id}").status_code == 404
    assert notice.title not in rep.get("/team/notices").get_data(as_text=True)
    # Nor through the core's record addresses (comments, files).
    assert rep.post(f"/timeline/team_notice/{notice.id}/comments", data={"body": "x"}).status_code == 404
    clerk = login_as(people["clerk"], on=app.test_client())
    assert notice.title in clerk.get("/team/notices").get_data(as_text=True)


def test_a_team_notice_reaches_the_authors_team(app, db, people):
    publish(db, people["supervisor"], audience="team")
    assert unread_count(people["rep"]) == 1 and unread_count(people["rep2"]) == 1
    assert unread_count(people["manager"]) == 0 and unread_count(people["clerk"]) == 0


def test_opening_a_notice_records_the_receipt_and_clears_the_badge(app, db, people, login_as):
    notice = publish(db, people["manager"])
    assert unread_count(people["rep"]) == 1
    client = login_as(people["rep"], on=app.test_client())
    page = client.get(f"/team/notices/{notice.id}")
    assert page.status_code == 200
    assert db.session.get(NoticeRead, (notice.id, people["rep"].id)) is not None
    assert unread_count(people["rep"]) == 0
    client.get(f"/team/notices/{notice.id}")  # a second visit records nothing more
    assert db.session.scalar(select(func.count()).select_from(NoticeRead)) == 1


def test_required_reading_needs_a_confirmation_and_the_author_sees_who_has_not_read(app, db, people, login_as):
    notice = publish(db, people["supervisor"], audience="team", required=True, title="新报价流程")
    rep = login_as(people["rep"], on=app.test_client())
    page = rep.get(f"/team/notices/{notice.id}").get_data(as_text=True)
    assert "我已阅读" in page  # "I have read it"
    assert db.session.get(NoticeRead, (notice.id, people["rep"].id)) is None
    assert rep.post(f"/team/notices/{notice.id}/read").status_code == 302
    assert db.session.get(NoticeRead, (notice.id, people["rep"].id)) is not None

    author = login_as(people["supervisor"], on=app.test_client())
    receipts = author.get(f"/team/notices/{notice.id}").get_data(as_text=True)
    assert "1 / 2" in receipts or "2 人中有 1 人" in receipts
    missing = author.get(f"/team/notices/{notice.id}/unread").get_data(as_text=True)
    assert people["rep2"].name in missing and people["rep"].name not in missing
    before = unread_count(people["rep2"])
    assert author.post(f"/team/notices/{notice.id}/remind").status_code == 302
    assert unread_count(people["rep2"]) == before + 1
    # Readers are not shown the follow-up list.
    assert rep.get(f"/team/notices/{notice.id}/unread").status_code == 404


def test_expired_notices_leave_the_board_and_the_badge(app, db, people, login_as):
    notice = publish(db, people["manager"], expires_on=local_today() + timedelta(days=2))
    client = login_as(people["rep"], on=app.test_client())
    assert notice.title in client.get("/team/notices").get_data(as_text=True)
    db.session.get(Notice, notice.id).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert notices.clear_expired(db.session) == 1
    db.session.commit()
    assert notice.title not in client.get("/team/notices").get_data(as_text=True)
    assert notice.title in client.get("/team/notices?expired=1").get_data(as_text=True)
    assert unread_count(people["rep"]) == 0


def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(app, db, people, login_as):
    client = login_as(people["manager"], on=app.test_client())
    answer = client.post("/team/notices/new", data={"title": "x", "body": "y", "audience": "department",
                                                    "department_id": "abc"})
    assert answer.status_code == 422
    answer = client.post("/team/notices/new", data={"title": "x", "body": "y", "audience": "all",
                                                    "expires_on": (local_today() - timedelta(days=1)).isoformat()})
    assert answer.status_code == 422 and "显示截止日期必须晚于今天" in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_representatives_cannot_publish(app, people, login_as):
    client = login_as(people["rep"], on=app.test_client())
    assert client.get("/team/notices/new").status_code == 403
    assert client.post("/team/notices/new", data={"title": "x", "body": "y"}).status_code == 403


def test_the_board_costs_the_same_statements_at_any_size(app, db, people, login_as, count_queries):
    client = login_as(people["rep"], on=app.test_client())
    for i in range(3):
        publish(db, people["manager"], title=f"n{i}")
    client.get("/team/notices")
    with count_queries() as few:
        assert client.get("/team/notices").status_code == 200
    for i in range(40):
        publish(db, people["supervisor"] if i % 2 else people["manager"], title=f"m{i}",
                audience="team" if i % 2 else "all", pinned=i % 7 == 0)
    with count_queries() as many:
        assert client.get("/team/notices").status_code == 200
    assert len(many) == len(few), "\n".join(s[:160] for s in many)


def test_a_notice_carries_an_attachment_its_readers_download(app, db, people, login_as):
    from io import BytesIO

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    client = login_as(people["manager"], on=app.test_client())
    answer = client.post("/team/notices/new", data={"title": "制度更新", "body": "见附件。", "audience": "all",
                                                    "attachment": (BytesIO(pdf), "制度.pdf")},
                         content_type="multipart/form-data")
    assert answer.status_code == 302
    notice = db.session.scalar(select(Notice))
    page = login_as(people["rep"], on=app.test_client()).get(f"/team/notices/{notice.id}").get_data(as_text=True)
    assert "制度.pdf" in page
    link = page.split(f'href="/team/notices/{notice.id}/files/')[1].split('"')[0]
    assert login_as(people["rep"], on=app.test_client()).get(
        f"/team/notices/{notice.id}/files/{link}").data == pdf
    # A file that is not what its name says is refused next to the field, and the notice is not published.
    answer = client.post("/team/notices/new", data={"title": "坏附件", "body": "x", "audience": "all",
                                                    "attachment": (BytesIO(b"MZ\x90\x00binary"), "a.pdf")},
                         content_type="multipart/form-data")
    assert answer.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 1
