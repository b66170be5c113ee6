"""A top appraisal result leads to recognition (R10, R8.1.3) through the ``appraisal_finalized`` hook: awards
"measured by" an excellent appraisal result suggest the person, the managers who confirm awards and the person's
superior are told; the score stays with those who decide. A fake appraisal object stands in for the appraisal
module's (only the documented fields are read, defensively)."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import func, select

from core.notifications.models import Notification
from core.timeutil import local_today
from plugins.team.models import Award
from plugins.team.services import recognition


def finalized(app, **fields):
    """Fire the hook as the appraisal module does, on every enabled module."""
    app.extensions["netsales"].call("appraisal_finalized", appraisal=SimpleNamespace(**fields))


def told(db, user, fragment):
    return [n for n in db.session.scalars(select(Notification).where(Notification.recipient_id == user.id))
            if fragment in n.message]


def test_an_excellent_result_suggests_the_award_and_tells_the_deciders_and_the_superior(app, db, people, login_as):
    award_type = recognition.define_award(db.session, name="绩效之星", kpi_key=recognition.APPRAISAL_KEY)
    kpi_award = recognition.define_award(db.session, name="月度冠军", kpi_key="team.kudos_received")
    db.session.commit()

    finalized(app, id=41, employee_id=people["rep"].id, final_score="95.50", scores=[])
    db.session.commit()
    award = db.session.scalar(select(Award))
    assert (award.award_type_id, award.user_id, award.state) == (award_type.id, people["rep"].id, "suggested")
    assert award.period_start == local_today().replace(day=1) and str(award.kpi_value) == "95.50"
    assert told(db, people["manager"], "award suggestions")  # the sales manager confirms awards
    assert told(db, people["supervisor"], "appraisal result is excellent")  # the superior is asked to recognise
    # The month-end run leaves appraisal awards alone (no KPI to rank them by) and suggests only the KPI award.
    assert all(a.award_type_id == kpi_award.id for a in recognition.suggest(db.session, recognition.previous_month()))

    # The same appraisal final again (an appeal kept it): still one suggestion.
    finalized(app, id=41, employee_id=people["rep"].id, final_score=95.5)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Award).where(Award.award_type_id == award_type.id)) == 1

    # The score is for the deciders: a colleague sees the suggestion without it, the manager with it.
    colleague = login_as(people["rep2"], on=app.test_client()).get("/team/awards").get_data(as_text=True)
    assert "绩效之星" in colleague and "95.50" not in colleague
    manager = login_as(people["manager"], on=app.test_client()).get("/team/awards").get_data(as_text=True)
    assert "95.50" in manager
    # A manager confirms it as any award: it shows on the person's profile.
    recognition.decide(db.session, award, people["manager"], confirm=True)
    db.session.commit()
    assert [a.award_type.name for a in recognition.awards_of(db.session, people["rep"].id)] == ["绩效之星"]


def test_an_ordinary_or_unreadable_result_changes_nothing(app, db, people):
    from core.settings import set_setting

    recognition.define_award(db.session, name="绩效之星", kpi_key=recognition.APPRAISAL_KEY, min_value=None)
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(Notification))
    for fields in ({"employee_id": people["rep"].id, "final_score": 89.99},  # below the default 90
                   {"employee_id": people["rep"].id, "final_score": "not a number"},
                   {"employee_id": people["rep"].id, "final_score": float("nan")},
                   {"employee_id": people["rep"].id},  # no score at all
                   {"employee_id": None, "final_score": 99},
                   {"employee_id": True, "final_score": 99},
                   {"employee_id": 99999999, "final_score": 99},  # nobody
                   {}):
        finalized(app, **fields)
    set_setting("team.appraisal_recognition_score", 0)  # the company turned it off
    finalized(app, employee_id=people["rep"].id, final_score=100)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Award)) == 0
    assert db.session.scalar(select(func.count()).select_from(Notification)) == before


def test_an_award_threshold_and_a_person_who_left_are_respected(app, db, people):
    from core.identity.users import deactivate_user

    recognition.define_award(db.session, name="卓越奖", kpi_key=recognition.APPRAISAL_KEY, min_value=98)
    db.session.commit()
    finalized(app, employee_id=people["rep"].id, final_score=95)  # excellent, but below this award's bar
    deactivate_user(db.session, people["rep2"])
    db.session.commit()
    finalized(app, employee_id=people["rep2"].id, final_score=99)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Award)) == 0
    assert told(db, people["supervisor"], "appraisal result is excellent") != []  # rep's 95 still tells the superior


def test_hr_can_define_an_award_measured_by_the_appraisal_result(app, db, people, login_as):
    hr = login_as(people["hr"], on=app.test_client())
    page = hr.get("/team/awards").get_data(as_text=True)
    assert recognition.APPRAISAL_KEY in page
    answer = hr.post("/team/awards/types", data={"name": "绩效之星", "kpi_key": recognition.APPRAISAL_KEY,
                                                 "winners": "1"})
    assert answer.status_code == 302
    assert hr.post("/team/awards/types", data={"name": "乱来", "kpi_key": "no.such", "winners": "1"}).status_code == 422
