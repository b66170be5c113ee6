"""The stages of an application (R3.1.3, R3.1.4) and hire: each stage's rule, the background-check gate,
hire -> user -> employee_hired, and the rejection e-mail."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.timeutil import local_today, utcnow
from plugins.recruitment.services import RecruitmentError, checks, interviews, offers, stages, written_tests
from plugins.recruitment.services.screening import screen

PAPER = "1+1=?\n- 1\n* 2\n- 3\npoints: 40\n\n介绍一下你自己\npoints: 60"


def met_all(application):
    return {r.id: True for r in application.requisition.requirements}


def to_test(db, application, hr):
    screen(db.session, application, hr, "pass", met_all(application))
    db.session.commit()


def to_interview(db, application, hr):
    to_test(db, application, hr)
    written_tests.record_by_hand(db.session, application, hr, Decimal("80"), Decimal("100"), True)
    written_tests.conclude(db.session, application, hr)
    db.session.commit()


def interview_pass(db, application, hr, interviewer):
    iv = interviews.schedule(db.session, application, hr, [interviewer.id], None, "3 楼会议室")
    interviews.submit_scorecard(db.session, iv, interviewer, {r.id: 4 for r in application.requisition.requirements},
                                4, "pass", "沟通清楚")
    interviews.decide(db.session, iv, hr, "pass")
    interviews.to_background_check(db.session, application, hr)
    db.session.commit()
    return iv


def to_background(db, application, people):
    to_interview(db, application, people["hr"])
    interview_pass(db, application, people["hr"], people["supervisor"])


def complete_check(db, application, hr):
    check = checks.check_of(db.session, application)
    checks.record_consent(db.session, check, "签署了背景调查授权书")
    for item in list(check.items):
        checks.record_result(db.session, check, item, hr, "verified", "电话核实")
    db.session.commit()
    return check


def offer_accepted(db, application, people):
    offer = offers.make_offer(db.session, application, people["hr"], salary=Decimal("8000"),
                              start_date=local_today() + timedelta(days=14), position="sales_rep",
                              department_id=people["dept"].id, superior_id=people["supervisor"].id)
    offers.set_state(db.session, offer, "sent")
    offers.set_state(db.session, offer, "accepted")
    db.session.commit()
    return offer


# ---------------------------------------------------------------------------------------------------- screening


def test_screening_pass_hold_reject(db, people, make_application, english):
    hr = people["hr"]
    a, b, c = make_application(), make_application(), make_application()
    with pytest.raises(RecruitmentError) as refused:
        screen(db.session, b, hr, "hold", {})
    assert refused.value.field == "reason"
    screen(db.session, a, hr, "pass", met_all(a))
    screen(db.session, b, hr, "hold", {}, "等第二批")
    screen(db.session, c, hr, "reject", {}, "经验不足")
    db.session.commit()
    assert (a.stage, b.stage, b.on_hold, c.status) == ("test", "screening", True, "rejected")


def test_a_stage_cannot_be_left_before_its_work(db, people, make_application, english):
    application = make_application()
    with pytest.raises(RecruitmentError, match="Screen"):
        stages.advance(db.session, application, people["hr"])
    to_test(db, application, people["hr"])
    with pytest.raises(RecruitmentError, match="written test"):
        stages.advance(db.session, application, people["hr"])


def test_rejection_queues_a_polite_email_without_the_reason(db, people, make_application):
    from core.notifications.models import EmailOutbox

    application = make_application(email="li.na@example.com")
    stages.reject(db.session, application, people["hr"], "薪资期望过高")
    db.session.commit()
    mail = db.session.scalar(select(EmailOutbox).where(EmailOutbox.to == "li.na@example.com"))
    assert mail is not None and application.requisition.title in mail.subject
    assert "薪资期望过高" not in mail.body_text and application.candidate.name in mail.body_text


# ---------------------------------------------------------------------------------------------------- written test


def paper(db, hr, minutes=30):
    p = written_tests.create_paper(db.session, hr, "销售笔试", minutes, Decimal("60"), PAPER)
    db.session.commit()
    return p


def test_paper_format_errors_are_explained(db, people, english):
    with pytest.raises(RecruitmentError, match="Mark the right choice"):
        written_tests.create_paper(db.session, people["hr"], "x", 30, Decimal("10"), "Q?\n- a\n- b")
    with pytest.raises(RecruitmentError) as refused:
        written_tests.create_paper(db.session, people["hr"], "x", 30, Decimal("500"), PAPER)
    assert refused.value.field == "pass_score"


def test_online_test_choice_graded_written_marked(db, people, make_application):
    application = make_application()
    to_test(db, application, people["hr"])
    test = written_tests.issue_link(db.session, application, paper(db, people["hr"]), people["hr"])
    written_tests.start(db.session, test)
    choice, written = test.paper.questions
    written_tests.submit(db.session, test, {str(choice.id): "1", str(written.id): "我有三年电商经验"})
    db.session.commit()
    assert test.score == Decimal("40") and test.needs_marking and test.passed is None
    written_tests.mark_written(db.session, test, people["hr"], {str(written.id): "30"})
    assert test.score == Decimal("70") and test.passed is True
    assert written_tests.conclude(db.session, application, people["hr"]) == "interview"


def test_test_link_refused_after_its_time(db, people, make_application, english):
    application = make_application()
    to_test(db, application, people["hr"])
    test = written_tests.issue_link(db.session, application, paper(db, people["hr"], minutes=20), people["hr"])
    written_tests.start(db.session, test)
    test.started_at -= timedelta(minutes=30)
    test.deadline_at -= timedelta(minutes=30)
    db.session.commit()
    with pytest.raises(RecruitmentError, match="over"):
        written_tests.submit(db.session, test, {})
    assert test.submitted_at is None


def test_unopened_link_expires(db, people, make_application, english):
    application = make_application()
    to_test(db, application, people["hr"])
    test = written_tests.issue_link(db.session, application, paper(db, people["hr"]), people["hr"])
    test.link_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "expired" in written_tests.link_problem(test)
    with pytest.raises(RecruitmentError):
        written_tests.start(db.session, test)


def test_public_test_page_refuses_late_answers(client, db, people, make_application):
    application = make_application()
    to_test(db, application, people["hr"])
    test = written_tests.issue_link(db.session, application, paper(db, people["hr"]), people["hr"])
    written_tests.start(db.session, test)
    test.deadline_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    response = client.post(f"/careers/test/{test.token}", data={})
    assert response.status_code == 410
    assert client.get("/careers/test/not-a-token").status_code == 404


# ---------------------------------------------------------------------------------------------------- interviews


def test_round_decision_waits_for_every_scorecard(db, people, make_application, english):
    application = make_application()
    to_interview(db, application, people["hr"])
    iv = interviews.schedule(db.session, application, people["hr"], [people["supervisor"].id, people["head"].id],
                             None)
    marks = {r.id: 5 for r in application.requisition.requirements}
    interviews.submit_scorecard(db.session, iv, people["supervisor"], marks, 5, "pass", "很好")
    with pytest.raises(RecruitmentError, match="Waiting for the scorecards"):
        interviews.decide(db.session, iv, people["hr"], "pass")
    with pytest.raises(RecruitmentError) as refused:
        interviews.submit_scorecard(db.session, iv, people["head"], {**marks, next(iter(marks)): 9}, 5, "pass", "x")
    assert refused.value.field.startswith("r")
    with pytest.raises(RecruitmentError, match="not an interviewer"):
        interviews.submit_scorecard(db.session, iv, people["rep"], marks, 5, "pass", "x")
    interviews.submit_scorecard(db.session, iv, people["head"], marks, 4, "pass", "可以")
    interviews.decide(db.session, iv, people["hr"], "pass")
    assert interviews.to_background_check(db.session, application, people["hr"]) == "background"


def test_interviewer_who_referred_is_flagged(db, people, make_application):
    application = make_application(referrer_id=people["supervisor"].id)
    to_interview(db, application, people["hr"])
    iv = interviews.schedule(db.session, application, people["hr"], [people["supervisor"].id, people["head"].id],
                             None)
    flags = {card.interviewer_id: card.conflict for card in iv.scorecards}
    assert flags == {people["supervisor"].id: True, people["head"].id: False}


# ---------------------------------------------------------------------------------------------------- background check


def test_no_offer_before_the_check_is_complete(db, people, make_application, english):
    application = make_application()
    to_background(db, application, people)
    kwargs = {"salary": Decimal("8000"), "start_date": local_today() + timedelta(days=7), "position": "sales_rep",
              "department_id": None, "superior_id": None}
    with pytest.raises(RecruitmentError, match="background check"):
        offers.make_offer(db.session, application, people["hr"], **kwargs)
    check = checks.check_of(db.session, application)
    with pytest.raises(RecruitmentError, match="consent"):
        checks.record_result(db.session, check, check.items[0], people["hr"], "verified", "ok")
    checks.record_consent(db.session, check, "授权书")
    education, work, credit = check.items
    checks.record_result(db.session, check, education, people["hr"], "verified", "学信网")
    checks.record_result(db.session, check, work, people["hr"], "discrepancy", "在职时间少半年")
    checks.record_result(db.session, check, credit, people["hr"], "not_verifiable", "征信拒绝")
    with pytest.raises(RecruitmentError, match="not verified or waived"):
        offers.make_offer(db.session, application, people["hr"], **kwargs)
    with pytest.raises(RecruitmentError) as refused:
        checks.waive(db.session, check, credit, people["hr"], "")
    assert refused.value.field == "waive_reason"
    checks.waive(db.session, check, credit, people["hr"], "岗位不涉及资金")
    offer = offers.make_offer(db.session, application, people["hr"], **kwargs)
    assert offer.check_complete and application.stage == "offer"


def test_waiver_is_audited(db, people, make_application):
    from core.audit.entries import history_for

    application = make_application()
    to_background(db, application, people)
    check = checks.check_of(db.session, application)
    checks.record_consent(db.session, check, "授权书")
    checks.waive(db.session, check, check.items[2], people["hr"], "海外无征信")
    db.session.commit()
    history = history_for(check.items[2])
    assert any("海外无征信" in str(entry.changes) for entry in history)


def test_evidence_goes_through_attachment_limits(db, people, make_application, english):
    from io import BytesIO

    from werkzeug.datastructures import FileStorage

    application = make_application()
    to_background(db, application, people)
    check = checks.check_of(db.session, application)
    checks.record_consent(db.session, check, "授权书")
    bad = FileStorage(BytesIO(b"MZ\x90\x00 not a document"), filename="diploma.exe")
    with pytest.raises(RecruitmentError) as refused:
        checks.record_result(db.session, check, check.items[0], people["hr"], "verified", None, bad)
    assert refused.value.field == "evidence"


# ---------------------------------------------------------------------------------------------------- hire


def test_hire_creates_the_employee_and_fires_employee_hired(app, db, people, make_application, monkeypatch):
    from core.identity.models import User

    engine = app.extensions["netsales"]
    fired = []
    original = engine.call

    def spy(name, **kwargs):
        if name == "employee_hired":
            fired.append(kwargs["user"])
        return original(name, **kwargs)

    monkeypatch.setattr(engine, "call", spy)
    application = make_application(name="王芳", email="wang.fang@example.com", phone="13912345678")
    to_background(db, application, people)
    complete_check(db, application, people["hr"])
    offer = offer_accepted(db, application, people)
    user = offers.hire(db.session, application, people["hr"], "wang.fang")
    db.session.commit()
    user = db.session.get(User, user.id)
    assert (user.name, user.email, user.phone, user.position) == ("王芳", "wang.fang@example.com", "13912345678",
                                                                  "sales_rep")
    assert user.department_id == people["dept"].id and user.superior_id == people["supervisor"].id
    assert user.hire_date == offer.start_date and [r.code for r in user.roles] == ["sales_rep"]
    assert fired == [user]
    assert application.status == "hired" and application.stage == "hired"
    assert application.requisition.filled == 1


def test_hire_refuses_a_login_that_exists(db, people, make_application, english):
    from core.identity.models import User

    application = make_application()
    to_background(db, application, people)
    complete_check(db, application, people["hr"])
    offer_accepted(db, application, people)
    before = db.session.query(User).count()
    with pytest.raises(RecruitmentError) as refused:
        offers.hire(db.session, application, people["hr"], "REP")  # the sales rep's login, other case
    assert refused.value.field == "login" and "taken" in str(refused.value)
    db.session.rollback()
    assert db.session.query(User).count() == before
    assert application.status == "active" and application.requisition.filled == 0


def test_no_hire_without_an_accepted_offer(db, people, make_application, english):
    application = make_application()
    to_background(db, application, people)
    complete_check(db, application, people["hr"])
    offer = offers.make_offer(db.session, application, people["hr"], salary=Decimal("8000"),
                              start_date=local_today() + timedelta(days=14), position="sales_rep",
                              department_id=None, superior_id=None)
    offers.set_state(db.session, offer, "sent")
    with pytest.raises(RecruitmentError, match="accepted"):
        offers.hire(db.session, application, people["hr"], "someone")


def test_candidate_takes_the_test_through_the_link(client, db, people, make_application):
    """The link's intro page does not start the clock; the start button does; answers are graded on submit and a
    second submission is refused."""
    application = make_application()
    to_test(db, application, people["hr"])
    test = written_tests.issue_link(db.session, application, paper(db, people["hr"]), people["hr"])
    db.session.commit()
    url = f"/careers/test/{test.token}"
    assert client.get(url).status_code == 200
    db.session.refresh(test)
    assert test.started_at is None  # looking at the link starts nothing
    page = client.post(url, data={"start": "1"})
    assert page.status_code == 200 and "1+1=?" in page.get_data(as_text=True)
    db.session.refresh(test)
    assert test.started_at is not None and test.deadline_at is not None
    choice, written = test.paper.questions
    done = client.post(url, data={f"q{choice.id}": "1", f"q{written.id}": "<b>我</b>的回答"})
    assert done.status_code == 200
    db.session.refresh(test)
    assert test.submitted_at is not None and test.score == Decimal("40") and test.needs_marking
    assert client.post(url, data={f"q{choice.id}": "0"}).status_code == 410
