"""Personal plans (R3.2.3, R4.4.3): a draft proposed when appraisal_finalized reports a poor result or a weak
indicator, with HR's mapped courses, for the supervisor to confirm; plans by hand without the appraisal plugin."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import func, select

from core.notifications.models import Notification
from plugins.training.models import TrainingAssignment, TrainingPlan
from plugins.training.services import plans as service


def appraisal(person, score, **indicators):
    """An appraisal as the hook documents it: id, employee_id, final_score and scores with their indicator."""
    scores = [SimpleNamespace(indicator=SimpleNamespace(kpi_key=key if "." in key else None, name=key),
                              result_score=value, superior_rating=None) for key, value in indicators.items()]
    return SimpleNamespace(id=4711, employee_id=person.id, final_score=score, scores=scores)


def mapped(db, course, key="pipeline.revenue"):
    service.set_mapping(db.session, key, course.id)
    db.session.commit()


def test_a_poor_result_proposes_a_draft_with_the_courses_of_the_weak_indicators(app, db, team, course):
    mapped(db, course)
    report = appraisal(team["rep"], Decimal("55"), **{"pipeline.revenue": Decimal("40"), "crm.satisfaction": 90})
    app.extensions["netsales"].call("appraisal_finalized", appraisal=report)
    db.session.commit()
    plan = db.session.scalar(select(TrainingPlan))
    assert (plan.state, plan.source, plan.user_id, plan.appraisal_ref) == ("draft", "appraisal", team["rep"].id, "4711")
    assert [i.course_id for i in plan.items] == [course.id]
    assert team["supervisor"].id in db.session.scalars(select(Notification.recipient_id)).all()
    # Reported again (a retry): still one plan. Nothing assigned before the supervisor confirms.
    app.extensions["netsales"].call("appraisal_finalized", appraisal=report)
    assert db.session.scalar(select(func.count(TrainingPlan.id))) == 1
    assert db.session.scalar(select(func.count(TrainingAssignment.id))) == 0


def test_a_weak_indicator_alone_is_enough_and_a_good_result_proposes_nothing(app, db, team, course):
    engine = app.extensions["netsales"]
    engine.call("appraisal_finalized", appraisal=appraisal(team["other"], Decimal("85"), 公司文化认同=Decimal("80")))
    assert db.session.scalar(select(func.count(TrainingPlan.id))) == 0
    engine.call("appraisal_finalized", appraisal=appraisal(team["rep"], Decimal("85"), 公司文化认同=Decimal("40")))
    plan = db.session.scalar(select(TrainingPlan))
    assert plan is not None and "公司文化认同" in plan.reason


def test_an_appraisal_of_an_unexpected_shape_is_ignored_without_error(app, db, team):
    engine = app.extensions["netsales"]
    engine.call("appraisal_finalized", appraisal=SimpleNamespace(id=1))
    engine.call("appraisal_finalized", appraisal=SimpleNamespace(id=2, employee_id="x", final_score="bad"))
    engine.call("appraisal_finalized", appraisal=SimpleNamespace(id=3, employee_id=team["rep"].id,
                                                                  final_score=Decimal("NaN"), scores=42))
    assert db.session.scalar(select(func.count(TrainingPlan.id))) == 0
    assert not engine.plugins["training"].load_error


def test_the_supervisor_confirms_the_draft_and_its_courses_are_assigned(client, login_as, app, db, team, course):
    mapped(db, course)
    plan = service.propose_from_appraisal(db.session, appraisal(team["rep"], Decimal("40"),
                                                                **{"pipeline.revenue": Decimal("30")}))
    db.session.commit()
    login_as(team["outsider"])  # another team's representative: not theirs to see
    assert client.get(f"/training/plans/{plan.id}").status_code == 404
    login_as(team["supervisor"])
    response = client.post(f"/training/plans/{plan.id}/state", data={"action": "confirm", "version": plan.version})
    assert response.status_code == 302
    stale = client.post(f"/training/plans/{plan.id}/state", data={"action": "confirm", "version": plan.version},
                        follow_redirects=True)
    assert "其他人刚修改了这个计划" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(TrainingPlan, plan.id).state == "active"
    [assignment] = db.session.scalars(select(TrainingAssignment)).all()
    assert (assignment.user_id, assignment.course_id, assignment.source) == (team["rep"].id, course.id, "plan")


def test_plans_by_hand_work_without_the_appraisal_plugin(client, login_as, db, team, course, disable_plugin, app):
    if "appraisal" in app.extensions["netsales"].plugins and app.extensions["netsales"].is_enabled("appraisal"):
        disable_plugin("appraisal")
    login_as(team["supervisor"])
    response = client.post("/training/plans/new", data={"user_id": team["rep"].id, "title": "提升报价能力"})
    assert response.status_code == 302
    plan = db.session.scalar(select(TrainingPlan))
    assert plan.state == "active" and plan.created_by_id == team["supervisor"].id
    client.post(f"/training/plans/{plan.id}/items", data={"kind": "course", "course_id": course.id})
    client.post(f"/training/plans/{plan.id}/items", data={"kind": "coaching", "title": "陪同拜访"})
    db.session.expire_all()
    assert [i.kind for i in db.session.get(TrainingPlan, plan.id).items] == ["course", "coaching"]
    assert db.session.scalar(select(TrainingAssignment.course_id)) == course.id
    # A supervisor cannot build a plan for someone outside their team.
    response = client.post("/training/plans/new", data={"user_id": team["outsider"].id, "title": "x"})
    assert response.status_code in (404, 422)
    assert db.session.scalar(select(func.count(TrainingPlan.id))) == 1


def test_later_poor_appraisals_add_to_the_waiting_draft_instead_of_piling_up(app, db, team, course):
    mapped(db, course)
    engine = app.extensions["netsales"]
    first = appraisal(team["rep"], Decimal("50"))
    engine.call("appraisal_finalized", appraisal=first)
    second = appraisal(team["rep"], Decimal("45"), **{"pipeline.revenue": Decimal("20")})
    second.id = 4712
    engine.call("appraisal_finalized", appraisal=second)
    engine.call("appraisal_finalized", appraisal=second)
    db.session.commit()
    [plan] = db.session.scalars(select(TrainingPlan)).all()
    assert plan.appraisal_ref == "4712" and [i.course_id for i in plan.items] == [course.id]
    assert plan.reason.count("45") == 1 and "50" in plan.reason


def test_a_supervisor_chooses_and_counts_only_their_team(client, login_as, app, db, team):
    """The team scope (R2.2.2, core.security.team_condition): the plan form offers the supervisor and the people
    below them, the hours page lists them; the representative outside the team and the manager above are not."""
    import re

    from plugins.training.views.sessions import hours_listing

    ours = {team[k].id for k in ("supervisor", "rep", "other")}
    login_as(team["supervisor"])
    page = client.get("/training/plans/new").get_data(as_text=True)
    form = page[page.index('name="user_id"'):]
    offered = {int(v) for v in re.findall(r'<option[^>]*value="(\d+)"', form[:form.index("</select>")])}
    assert offered == ours
    with app.test_request_context("/"):
        assert {row.id for row in hours_listing(team["supervisor"]).page().items} == ours
        everyone = {row.id for row in hours_listing(team["manager"]).page().items}
    assert ours | {team["outsider"].id, team["manager"].id} <= everyone  # "all": no team condition
