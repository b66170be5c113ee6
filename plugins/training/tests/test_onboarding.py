"""Onboarding (R3.2.1): started by employee_hired and for people added by hand, never twice; the checklist,
reminders of overdue modules, and the compliance figure."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.identity.users import create_user
from core.notifications.models import Notification
from core.timeutil import local_today
from plugins.training.models import TrainingAssignment, TrainingStep


def onboardings(db, user):
    return list(db.session.scalars(select(TrainingAssignment).where(TrainingAssignment.user_id == user.id,
                                                                    TrainingAssignment.source == "onboarding")))


def test_employee_hired_assigns_the_programme_of_the_position_counted_from_the_hire_date(app, db, team):
    hired = local_today() - timedelta(days=2)
    person = create_user(db.session, login="newbie", name="新人", position="sales_rep", roles=["sales_rep"],
                         superior_id=team["supervisor"].id, hire_date=hired)
    app.extensions["netsales"].call("employee_hired", user=person)
    db.session.commit()
    [assignment] = onboardings(db, person)
    assert assignment.base_date == hired
    due_days = sorted((step.due_date - hired).days for step in assignment.steps)
    assert due_days == [3, 7, 14, 21, 30]  # company overview ... platform operation (R3.2.1)
    told = db.session.scalars(select(Notification.recipient_id)).all()
    assert person.id in told and team["supervisor"].id in told


def test_employee_hired_twice_or_after_the_sweep_gives_one_programme(app, db, team):
    from plugins.training.services.onboarding import sweep_new_hires

    person = create_user(db.session, login="newbie", name="新人", position="sales_rep", roles=["sales_rep"],
                         hire_date=local_today())
    engine = app.extensions["netsales"]
    engine.call("employee_hired", user=person)
    engine.call("employee_hired", user=person)
    assert sweep_new_hires(db.session) == 0
    db.session.commit()
    assert len(onboardings(db, person)) == 1


def test_a_sales_user_created_by_hand_gets_onboarding_from_the_job(app, db, team):
    """The core's user creation sends no employee_hired: the scheduled job catches them up."""
    from core.jobs.runner import run_job

    person = create_user(db.session, login="byhand", name="手工创建", position="sales_supervisor",
                         roles=["sales_supervisor"], hire_date=local_today() - timedelta(days=5))
    veteran = create_user(db.session, login="veteran", name="老员工", position="sales_rep", roles=["sales_rep"],
                          hire_date=local_today() - timedelta(days=900))
    accountant = create_user(db.session, login="acc", name="会计", position="finance", roles=["finance"],
                             hire_date=local_today())
    db.session.commit()
    run_job("training.onboard_new_hires", force=True)
    db.session.expire_all()
    assert len(onboardings(db, person)) == 1
    assert onboardings(db, veteran) == []  # hired long before: not onboarded now
    assert onboardings(db, accountant) == []  # no programme for finance


def test_hr_starts_the_programme_by_hand_once(client, login_as, db, team):
    person = create_user(db.session, login="byhand", name="手工创建", position="sales_rep", roles=["sales_rep"])
    db.session.commit()
    login_as(team["hr"])
    response = client.post("/training/assign", data={"user_id": person.id, "course_id": "programme"})
    assert response.status_code == 302
    again = client.post("/training/assign", data={"user_id": person.id, "course_id": "programme"},
                        follow_redirects=True)
    assert "已在入职培训中" in again.get_data(as_text=True) or len(onboardings(db, person)) == 1
    assert len(onboardings(db, person)) == 1


def test_the_new_hire_ticks_the_checklist_and_finishes(app, client, login_as, db, team):
    person = team["other"]
    from plugins.training.services.onboarding import start_onboarding

    assignment = start_onboarding(db.session, person)
    db.session.commit()
    login_as(person)
    page = client.get("/training/my").get_data(as_text=True)
    assert "公司概况" in page and "平台操作" in page
    for step_id in [s.id for s in assignment.steps]:
        assert client.post(f"/training/steps/{step_id}", data={"done": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(TrainingAssignment, assignment.id).completed_at is not None
    # Somebody else's checklist line is not theirs to tick.
    login_as(team["rep"])
    assert client.post(f"/training/steps/{assignment.steps[0].id}", data={"done": "0"}).status_code == 404


def test_overdue_modules_remind_the_person_and_the_supervisor_once(app, db, team):
    from plugins.training.services.onboarding import remind_overdue, start_onboarding

    person = team["other"]
    person.hire_date = local_today() - timedelta(days=10)  # overview (3) and culture (7) are overdue
    start_onboarding(db.session, person)
    db.session.commit()
    before = db.session.scalar(select(func.count(Notification.id)))
    assert remind_overdue(db.session) == 1
    assert remind_overdue(db.session) == 0
    db.session.commit()
    new = db.session.execute(select(Notification.recipient_id, Notification.params)
                             .order_by(Notification.id).offset(before)).all()
    assert {r for r, _ in new} == {person.id, team["supervisor"].id}
    assert all(params["count"] == 2 for _, params in new)
    assert db.session.scalar(select(func.count(TrainingStep.id)).where(TrainingStep.reminded_at.is_not(None))) == 2


def test_compliance_onboarding_finished_within_n_days(app, db, team):
    from core.timeutil import local_to_utc
    from plugins.training.compliance import onboarding_in_time
    from plugins.training.services.onboarding import start_onboarding

    quick, slow, running = team["rep"], team["other"], team["outsider"]
    for person, hired in ((quick, 60), (slow, 90), (running, 5)):
        person.hire_date = local_today() - timedelta(days=hired)
        start_onboarding(db.session, person)
    db.session.flush()
    from datetime import datetime, time

    for person, took in ((quick, 20), (slow, 45)):
        [a] = onboardings(db, person)
        a.completed_at = local_to_utc(datetime.combine(a.base_date + timedelta(days=took), time(12)))
    db.session.commit()
    result = onboarding_in_time()
    assert result.ratio == 0.5  # quick in time, slow late; the one hired 5 days ago is not due yet
    assert not result.ok
