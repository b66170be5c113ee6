"""The recruitment pages through the browser's eyes: HR's journey from a plan to a hire, who sees what
(interviewers only their candidates), bad input answered next to the field, no internals on the pages."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from core.timeutil import local_today
from plugins.recruitment.models import Application, Interview, Offer, Requisition


def test_a_plan_is_raised_and_approved_through_the_pages(db, people, login_as):
    head = login_as(people["head"])
    response = head.post("/recruitment/requisitions/new", data={
        "title": "直播运营", "position": "sales_rep", "department_id": str(people["dept"].id), "headcount": "1",
        "reason": "growth", "requirements": "skill: 直播经验\n普通话流利"})
    assert response.status_code == 302
    req = db.session.scalar(select(Requisition).where(Requisition.title == "直播运营"))
    assert head.post(f"/recruitment/requisitions/{req.id}/submit").status_code == 302
    page = head.get(f"/recruitment/requisitions/{req.id}").get_data(as_text=True)
    assert "department_head" not in page and "pending" not in page  # labels, not codes
    db.session.expire_all()
    head.post(f"/recruitment/requisitions/{req.id}/decide", data={"decision": "approve", "version": req.version})
    hr = login_as(people["hr"])
    db.session.expire_all()
    hr.post(f"/recruitment/requisitions/{req.id}/decide", data={"decision": "approve",
                                                                "version": db.session.get(Requisition, req.id).version})
    db.session.expire_all()
    assert db.session.get(Requisition, req.id).state == "approved"


def test_bad_plan_input_is_explained_next_to_the_field(people, login_as):
    head = login_as(people["head"])
    response = head.post("/recruitment/requisitions/new", data={
        "title": "x", "position": "sales_rep", "headcount": "99999999999999999999", "reason": "growth",
        "salary_min": "1e309", "requirements": "a"})
    assert response.status_code == 422
    assert 'class="field-error"' in response.get_data(as_text=True)


def test_hr_journey_to_hire(app, db, people, login_as, make_application):
    from core.identity.models import User
    from plugins.recruitment.services import checks

    application = make_application(name="赵磊", email="zhao.lei@example.com")
    hr = login_as(people["hr"])
    url = f"/recruitment/applications/{application.id}"
    req_ids = [r.id for r in application.requisition.requirements]
    assert hr.get(url).status_code == 200
    hr.post(url + "/screen", data={"decision": "pass", **{f"met_{i}": "y" for i in req_ids},
                                   "version": application.version})
    assert hr.get(url).status_code == 200
    hr.post(url + "/tests/record", data={"score": "85", "max_score": "100", "passed": "y"})
    hr.post(url + "/advance", data={})
    hr.post(url + "/interviews", data={"interviewer_ids": [str(people["supervisor"].id)],
                                       "scheduled_at": "2027-01-05T10:00", "location": "会议室"})
    db.session.expire_all()
    interview = db.session.scalar(select(Interview).where(Interview.application_id == application.id))
    sup = login_as(people["supervisor"], on=app.test_client())
    assert sup.get("/recruitment/interviews").status_code == 200
    card = {f"r{i}": "4" for i in req_ids} | {"overall": "4", "recommendation": "pass", "comments": "不错"}
    assert sup.post(f"/recruitment/interviews/{interview.id}", data=card).status_code == 302
    hr.post(f"/recruitment/interviews/{interview.id}/decide", data={"decision": "pass"})
    db.session.expire_all()
    assert db.session.get(Application, application.id).stage == "background"
    assert hr.get(url).status_code == 200
    check = checks.check_of(db.session, db.session.get(Application, application.id))
    hr.post(url + "/check/consent", data={"note": "授权书已签"})
    for item in check.items:
        hr.post(url + f"/check/items/{item.id}", data={"result": "verified", "note": "电话核实"})
    start = (local_today() + timedelta(days=10)).isoformat()
    hr.post(url + "/offers", data={"salary": "8500", "start_date": start, "position": "sales_rep",
                                   "department_id": str(people["dept"].id),
                                   "superior_id": str(people["supervisor"].id)})
    db.session.expire_all()
    offer = db.session.scalar(select(Offer).where(Offer.application_id == application.id))
    assert offer is not None and offer.check_complete
    hr.post(f"/recruitment/offers/{offer.id}/state", data={"state": "sent", "version": offer.version})
    db.session.expire_all()
    hr.post(f"/recruitment/offers/{offer.id}/state", data={"state": "accepted",
                                                           "version": db.session.get(Offer, offer.id).version})
    page = hr.get(url).get_data(as_text=True)
    assert "zhao.lei" in page  # the suggested login
    response = hr.post(url + "/hire", data={"login": "zhao.lei"}, follow_redirects=True)
    assert response.status_code == 200
    user = db.session.scalar(select(User).where(User.login == "zhao.lei"))
    assert user is not None and user.hire_date.isoformat() == start


def test_offer_letter_pdf_is_chinese(db, people, login_as, make_application):
    import pytest

    from core.pdf import FontNotFoundError, find_cjk_font
    from plugins.recruitment.pdf import offer_html

    try:
        find_cjk_font()
    except FontNotFoundError:
        pytest.skip("no CJK font installed")
    from plugins.recruitment.tests.test_stages import complete_check, offer_accepted, to_background

    application = make_application(name="孙丽")
    to_background(db, application, people)
    complete_check(db, application, people["hr"])
    offer = offer_accepted(db, application, people)
    html = offer_html(offer)
    assert "录用通知书" in html and "孙丽" in html and "捌仟元整" in html
    response = login_as(people["hr"]).get(f"/recruitment/offers/{offer.id}/letter.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_interviewers_see_only_their_candidates(db, people, login_as, make_application, make_user):
    from plugins.recruitment.services import interviews
    from plugins.recruitment.tests.test_stages import to_interview

    mine, other = make_application(name="周敏"), make_application(name="吴强")
    to_interview(db, mine, people["hr"])
    to_interview(db, other, people["hr"])
    iv_mine = interviews.schedule(db.session, mine, people["hr"], [people["supervisor"].id], None)
    iv_other = interviews.schedule(db.session, other, people["hr"], [people["head"].id], None)
    db.session.commit()
    sup = login_as(people["supervisor"])
    listing = sup.get("/recruitment/interviews").get_data(as_text=True)
    assert mine.candidate.name in listing and other.candidate.name not in listing
    assert sup.get(f"/recruitment/interviews/{iv_mine.id}").status_code == 200
    assert sup.get(f"/recruitment/interviews/{iv_other.id}").status_code == 404
    assert sup.get(f"/recruitment/interviews/{iv_other.id}/cv").status_code == 404
    # a supervisor's application grant is their own plans only: another manager's candidates stay hidden
    assert sup.get(f"/recruitment/applications/{other.id}").status_code == 404


def test_sales_reps_and_anonymous_users_are_kept_out(app, people, login_as, make_application):
    application = make_application()
    rep = login_as(people["rep"])
    assert rep.get("/recruitment/").status_code == 403
    assert rep.get(f"/recruitment/applications/{application.id}").status_code == 403
    assert app.test_client().get("/recruitment/candidates").status_code in (302, 401)
    hr_only = login_as(people["head"])
    assert hr_only.post(f"/recruitment/applications/{application.id}/hire", data={"login": "x"}).status_code == 403


def test_pages_render_for_hr(db, people, login_as, make_application, requisition):
    make_application()
    hr = login_as(people["hr"])
    for url in ("/recruitment/", "/recruitment/candidates", f"/recruitment/requisitions/{requisition.id}",
                f"/recruitment/requisitions/{requisition.id}/board", "/recruitment/tests", "/recruitment/tests/new",
                "/recruitment/postings", "/recruitment/postings/new", "/recruitment/costs", "/recruitment/reports",
                "/recruitment/candidates/new", "/recruitment/candidates/import", "/recruitment/interviews"):
        response = hr.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert not re.search(r"\sstyle\s*=|<style|\son[a-z]+\s*=", html), url  # the CSP forbids them


def test_import_saves_nothing_when_a_row_is_bad(db, people, login_as, requisition):
    from io import BytesIO

    from sqlalchemy import func

    hr = login_as(people["hr"])
    csv = "姓名,手机,邮箱\n李明,13800000001,li@example.com\n,13800000002,\n王五,13800000003,wang@example.com\n"
    response = hr.post("/recruitment/candidates/import", data={
        "requisition_id": str(requisition.id), "channel": "job_site", "posting_id": "",
        "file": (BytesIO(csv.encode()), "boss.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Application.id))) == 0
    good = "姓名,手机,邮箱\n李明,13800000001,li@example.com\n李明,+86 138 0000 0001,\n"
    response = hr.post("/recruitment/candidates/import", data={
        "requisition_id": str(requisition.id), "channel": "job_site", "posting_id": "",
        "file": (BytesIO(good.encode()), "boss.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Application.id))) == 1  # the same person twice: one application


def test_editing_a_plan_with_fields_left_out_is_refused_not_crashed(db, people, login_as):
    from plugins.recruitment.services import requisitions

    req = requisitions.save_requisition(
        db.session, people["head"], title="文案", position="other", department_id=None, headcount=1,
        reason="growth", salary_min=None, salary_max=None, required_by=None, description=None,
        requirements="会写作")
    db.session.commit()
    response = login_as(people["head"]).post(f"/recruitment/requisitions/{req.id}/edit", data={"title": "文案策划"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Requisition, req.id).title == "文案"


def test_channel_cost_is_recorded_or_refused(db, people, login_as):
    from plugins.recruitment.models import ChannelCost

    hr = login_as(people["hr"])
    assert hr.post("/recruitment/costs/new", data={"channel": "campus", "amount": "-5",
                                                   "spent_on": "2026-11-01"}).status_code == 302
    assert db.session.query(ChannelCost).count() == 0
    hr.post("/recruitment/costs/new", data={"channel": "campus", "amount": "1500", "spent_on": "2026-11-01",
                                            "note": "展位费"})
    assert db.session.query(ChannelCost).count() == 1
    assert "展位费" in hr.get("/recruitment/costs").get_data(as_text=True)
