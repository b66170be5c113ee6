"""Who sees what (R2 scopes), every page answers without errors, and list pages make a fixed number of statements
whatever the number of rows (DESIGN.md "Lists paginate in SQL")."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert

from core.timeutil import local_today, utcnow
from plugins.training.models import TrainingAssignment, TrainingEnrolment, TrainingSession, TrainingStep
from plugins.training.services.onboarding import start_onboarding


def test_a_supervisor_sees_the_team_and_a_representative_only_themselves(client, login_as, db, team):
    for key in ("rep", "other", "outsider"):
        start_onboarding(db.session, team[key])
    db.session.commit()
    names = {k: team[k].name for k in ("rep", "other", "outsider")}
    login_as(team["supervisor"])
    page = client.get("/training/team").get_data(as_text=True)
    assert names["rep"] in page and names["other"] in page and names["outsider"] not in page
    login_as(team["rep"])
    page = client.get("/training/team").get_data(as_text=True)
    assert names["rep"] in page and names["other"] not in page
    login_as(team["manager"])
    page = client.get("/training/team").get_data(as_text=True)
    assert all(name in page for name in names.values())


@pytest.mark.parametrize("path", ["/training/programmes", "/training/mapping", "/training/courses/new",
                                  "/training/grading", "/training/effectiveness"])
def test_representatives_are_refused_the_management_pages(client, login_as, team, path):
    login_as(team["rep"])
    assert client.get(path).status_code == 403


def test_hr_manages_courses_and_archives_instead_of_deleting_an_assigned_course(client, login_as, db, team):
    from plugins.training.models import TrainingCourse

    login_as(team["hr"])
    response = client.post("/training/courses/new", data={"title": "合规培训", "kind": "compliance",
                                                           "duration_hours": "2", "mandatory_positions": ["sales_rep"]})
    assert response.status_code == 302
    course = db.session.query(TrainingCourse).filter_by(title="合规培训").one()
    assert course.positions == ["sales_rep"]
    client.post("/training/assign", data={"user_id": team["rep"].id, "course_id": course.id})
    page = client.post(f"/training/courses/{course.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "请改为归档" in page
    db.session.expire_all()
    assert db.session.get(TrainingCourse, course.id) is not None
    client.post(f"/training/courses/{course.id}/archive")
    db.session.expire_all()
    assert db.session.get(TrainingCourse, course.id).archived
    assert "合规培训" not in client.get("/training/courses").get_data(as_text=True)


@pytest.mark.parametrize("data", [{"title": "", "kind": "periodic"}, {"title": "x", "kind": "nonsense"},
                                  {"title": "x", "kind": "periodic", "duration_hours": "sNaN"},
                                  {"title": "x", "kind": "periodic", "duration_hours": "1e309"},
                                  {"title": "x", "kind": "periodic", "trainer_id": "99999999999999999999999"}])
def test_bad_course_input_is_refused_without_saving(client, login_as, db, team, data):
    from plugins.training.models import TrainingCourse

    login_as(team["hr"])
    count = db.session.query(TrainingCourse).count()
    response = client.post("/training/courses/new", data=data)
    assert response.status_code in (200, 422)
    assert db.session.query(TrainingCourse).count() == count


def test_a_module_link_must_be_a_web_address(client, login_as, db, team, course):
    login_as(team["hr"])
    response = client.post(f"/training/courses/{course.id}/modules/new",
                           data={"title": "资料", "link_url": "javascript:alert(1)", "due_day": "0"})
    assert response.status_code == 422 and "http://" in response.get_data(as_text=True)


def test_the_profile_shows_the_training_record(client, login_as, db, team):
    start_onboarding(db.session, team["other"])
    db.session.commit()
    login_as(team["other"])
    page = client.get("/profile").get_data(as_text=True)
    assert "培训记录" in page and "新员工入职培训" in page


def _people_with_training(db, make_user, supervisor, count, offset):
    from plugins.training.models import TrainingCourse

    course = db.session.query(TrainingCourse).filter_by(kind="onboarding").first()
    module_ids = [m.id for m in course.modules]
    users = [make_user(f"bulk{offset + i}", roles=["sales_rep"], position="sales_rep", superior_id=supervisor.id)
             for i in range(count)]
    today = local_today()
    ids = list(db.session.scalars(insert(TrainingAssignment).returning(TrainingAssignment.id), [
        {"user_id": u.id, "course_id": course.id, "source": "onboarding", "base_date": today - timedelta(days=20),
         "assigned_at": utcnow(), "cancelled": False} for u in users]))
    db.session.execute(insert(TrainingStep), [
        {"assignment_id": a, "module_id": m, "due_date": today - timedelta(days=5)} for a in ids for m in module_ids])
    starts = utcnow() - timedelta(days=3)
    session_id = db.session.scalar(insert(TrainingSession).returning(TrainingSession.id), {
        "course_id": course.id, "starts_at": starts, "ends_at": starts + timedelta(hours=2), "capacity": 10000,
        "seats_taken": count, "place": "培训室", "audience_positions": "", "cancelled": False, "created_at": starts})
    db.session.execute(insert(TrainingEnrolment), [
        {"session_id": session_id, "user_id": u.id, "state": "enrolled", "attendance": "present",
         "hours": Decimal("2"), "session_starts_at": starts, "enrolled_at": starts} for u in users])
    db.session.commit()
    return course


@pytest.mark.parametrize("path", ["/training/team", "/training/team?status=overdue", "/training/hours",
                                  "/training/sessions?when=past", "/training/courses", "/training/plans",
                                  "/training/my", "/training/effectiveness?course_id={course}&kpis=pipeline.revenue"
                                  "&kpis=pipeline.orders&start={start}&end={end}"])
def test_pages_make_a_fixed_number_of_statements(client, login_as, db, team, make_user, count_queries, path):
    login_as(team["supervisor"])
    course = _people_with_training(db, make_user, team["supervisor"], 3, 0)
    url = path.format(course=course.id, start=local_today() - timedelta(days=30), end=local_today())
    if "effectiveness" in url:
        login_as(team["manager"])
    client.get(url)  # warm-up
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _people_with_training(db, make_user, team["supervisor"], 40, 100)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), "\n".join(many)


def test_every_training_page_answers_for_hr_with_demo_like_data(client, login_as, db, team, course):
    from plugins.training.services import sessions

    item = sessions.save_session(db.session, course, starts_at=datetime.combine(date.today(), datetime.min.time())
                                 + timedelta(days=5), ends_at=datetime.combine(date.today(), datetime.min.time())
                                 + timedelta(days=5, hours=2), capacity=3, place="培训室")
    start_onboarding(db.session, team["rep"])
    db.session.commit()
    login_as(team["hr"])
    for path in ("/training/my", "/training/courses", f"/training/courses/{course.id}", "/training/sessions",
                 f"/training/sessions/{item.id}", "/training/team", "/training/plans", "/training/plans/new",
                 "/training/hours", "/training/programmes", "/training/mapping", "/training/grading",
                 "/training/effectiveness", f"/training/courses/{course.id}/questions",
                 f"/training/courses/{course.id}/exams/new", f"/training/courses/{course.id}/sessions/new"):
        assert client.get(path).status_code == 200, path


def test_kpis_and_data_sets_answer_for_the_reader(app, db, team, course):
    from datetime import date as day

    from core.contracts import DatasetDef, KPIDef, Period
    from plugins.training.services import sessions

    item = sessions.save_session(db.session, course, starts_at=utcnow() + timedelta(days=1),
                                 ends_at=utcnow() + timedelta(days=1, hours=2), capacity=5, place="培训室")
    enrolment = sessions.enrol(db.session, item, team["rep"])
    item.starts_at, item.ends_at = utcnow() - timedelta(hours=2), utcnow()
    enrolment.session_starts_at = item.starts_at
    sessions.record_attendance(db.session, team["manager"], item, {enrolment.id: "late"})
    db.session.commit()
    engine = app.extensions["netsales"]
    kpis = {k.key: k for k in engine.collect("register_kpis", KPIDef) if k.key.startswith("training.")}
    assert set(kpis) == {"training.hours", "training.exam_average", "training.onboarding_days"}
    year = Period(day(local_today().year - 1, 1, 1), day(local_today().year + 1, 1, 1))
    assert kpis["training.hours"].compute([team["rep"].id, team["other"].id], year) == {
        team["rep"].id: Decimal("2.00"), team["other"].id: Decimal("0")}
    sets = {d.key: d for d in engine.collect("register_datasets", DatasetDef) if d.key.startswith("training.")}
    rows = db.session.execute(sets["training.attendance"].query(team["supervisor"])).all()
    assert [(r.person, r.attendance, r.hours) for r in rows] == [(team["rep"].name, "late", Decimal("2.00"))]
    assert db.session.execute(sets["training.attendance"].query(team["outsider"])).all() == []


def test_the_dashboard_card_and_the_regulation_page_show_training(client, login_as, db, team):
    team["other"].hire_date = local_today() - timedelta(days=40)
    start_onboarding(db.session, team["other"])
    db.session.commit()
    login_as(team["other"])
    dashboard = client.get("/").get_data(as_text=True)
    assert "我的培训" in dashboard and "待完成 5 个模块，其中 5 个已逾期" in dashboard
    regulation = client.get("/regulation").get_data(as_text=True)
    assert "1 个入职培训中有 0 个在 30 天内完成" in regulation


def test_global_search_finds_courses_but_not_archived_ones(client, login_as, db, team, course):
    from plugins.training.models import TrainingCourse

    db.session.add(TrainingCourse(title="旧版销售策略", kind="periodic", archived=True))
    db.session.commit()
    login_as(team["rep"])
    page = client.get("/search?q=销售策略").get_data(as_text=True)
    assert f"/training/courses/{course.id}" in page and "旧版销售策略" not in page


def test_hr_assigns_a_course_to_everyone_it_is_mandatory_for_once(client, login_as, db, team, course):
    from sqlalchemy import func, select

    course.mandatory_positions = "sales_rep"
    db.session.commit()
    login_as(team["hr"])
    page = client.post(f"/training/courses/{course.id}/assign-mandatory", follow_redirects=True)
    assert "已安排给 3 人" in page.get_data(as_text=True)
    client.post(f"/training/courses/{course.id}/assign-mandatory")
    rows = db.session.execute(select(TrainingAssignment.user_id, func.count(TrainingStep.id))
                              .join(TrainingStep, TrainingStep.assignment_id == TrainingAssignment.id)
                              .group_by(TrainingAssignment.user_id)).all()
    assert sorted(uid for uid, _ in rows) == sorted(team[k].id for k in ("rep", "other", "outsider"))
    assert all(steps == 1 for _, steps in rows)
    login_as(team["supervisor"])
    assert client.post(f"/training/courses/{course.id}/assign-mandatory").status_code == 403
