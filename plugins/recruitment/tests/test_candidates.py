"""Candidates: the same person is one candidate (phone or e-mail), XLSX import, merging old duplicates."""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import func, select

from plugins.recruitment.models import Application, Candidate
from plugins.recruitment.services import RecruitmentError, candidates, importing


def test_same_phone_or_email_is_the_same_person(db):
    first = candidates.upsert_candidate(db.session, name="张三", phone="+86 138-0013-8000", email=None)
    again = candidates.upsert_candidate(db.session, name="张三", phone="13800138000", email="ZS@Example.com")
    by_mail = candidates.upsert_candidate(db.session, name="张三丰", phone=None, email="zs@example.com")
    assert first.id == again.id == by_mail.id and first.email == "ZS@Example.com"


@pytest.mark.parametrize("name, phone, email, field", [
    ("", "13800138000", None, "name"), ("李四", None, None, "phone"), ("李四", "12", None, "phone"),
    ("李四", None, "not-an-address", "email"),
])
def test_a_person_needs_a_name_and_a_way_to_reach_them(db, english, name, phone, email, field):
    with pytest.raises(RecruitmentError) as refused:
        candidates.upsert_candidate(db.session, name=name, phone=phone, email=email)
    assert refused.value.field == field


def test_xlsx_export_of_a_job_site_is_imported(db, people, requisition):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "手机", "邮箱", "学历", "来源"])
    sheet.append(["钱七", 13900001111, "qian@example.com", "本科", "智联招聘"])  # Excel turns phones into numbers
    sheet.append(["孙八", "13900002222", None, "大专", None])
    data = BytesIO()
    book.save(data)
    result = importing.import_applications(db.session, requisition, "export.xlsx", data.getvalue(),
                                           channel="job_site", posting=None, user=people["hr"])
    db.session.commit()
    assert (result.created, result.already, result.errors) == (2, 0, [])
    qian = db.session.scalar(select(Candidate).where(Candidate.name == "钱七"))
    assert qian.phone == "13900001111" and qian.education == "本科"
    assert db.session.scalar(select(Application.source_detail).where(Application.candidate_id == qian.id)) == \
        "智联招聘"


def test_unknown_file_kinds_and_headings_are_refused(db, people, requisition, english):
    with pytest.raises(RecruitmentError, match=r"\.csv or \.xlsx"):
        importing.import_applications(db.session, requisition, "x.txt", b"a,b", channel="job_site", posting=None,
                                      user=people["hr"])
    with pytest.raises(RecruitmentError, match="first row"):
        importing.import_applications(db.session, requisition, "x.csv", b"foo,bar\n1,2\n", channel="job_site",
                                      posting=None, user=people["hr"])


def test_merging_duplicates_keeps_every_application(db, people, requisition, login_as):
    from plugins.recruitment.tests.conftest import _approved

    other_plan = _approved(db, people, headcount=1, title="客服专员")
    keep = candidates.upsert_candidate(db.session, name="周九", phone="13700000001", email=None)
    old = Candidate(name="周九（旧）", phone="137 0000 0009", phone_key="13700000009", email="zhou9@example.com",
                    email_key="zhou9@example.com")
    db.session.add(old)
    db.session.flush()
    mine, _ = candidates.apply(db.session, requisition, keep, channel="careers")
    theirs, _ = candidates.apply(db.session, other_plan, old, channel="referral")
    db.session.commit()
    response = login_as(people["hr"]).post(f"/recruitment/applications/{mine.id}/merge/{old.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, theirs.id).candidate_id == keep.id
    merged = db.session.get(Candidate, keep.id)
    assert merged.email == "zhou9@example.com"
    assert db.session.get(Candidate, old.id).anonymised_at is not None
    assert db.session.scalar(select(func.count(Application.id)).where(Application.candidate_id == keep.id)) == 2


def test_global_search_finds_candidates_in_scope(app, db, people, make_application):
    from plugins.recruitment.search import search

    application = make_application(name="欧阳娜娜", phone="13812345678", email="ouyang@example.com")
    with app.test_request_context():  # the results carry page links
        for text in ("欧阳", "138 1234", "ouyang@ex"):
            hits = search(text, people["hr"], 10)
            assert [h.url for h in hits] == [f"/recruitment/applications/{application.id}"], text
        assert search("欧阳", people["supervisor"], 10) == []  # another manager's plan
        assert search("欧阳", people["rep"], 10) == []


def test_candidates_list_filters_the_talent_pool(db, people, login_as, make_application):
    pooled = make_application(name="入库人")
    make_application(name="普通人")
    pooled.candidate.talent_pool = True
    db.session.commit()
    page = login_as(people["hr"]).get("/recruitment/candidates?pool=1").get_data(as_text=True)
    assert "入库人" in page and "普通人" not in page
