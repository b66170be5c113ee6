"""The pages, by role (R2: own / team / all): each person sees their own appraisals, supervisors their team's,
HR and the manager everyone's; forms answer a refused step with a message, never a 500."""

from __future__ import annotations

from decimal import Decimal

import pytest


@pytest.fixture
def pages(opened):
    rep = opened["rep"]
    return [f"/appraisal/{rep.id}", "/appraisal/", "/appraisal/team", "/appraisal/overdue",
            f"/appraisal/people/{rep.employee_id}"]


def test_every_page_answers_for_hr(db, opened, team, login_as):
    client = login_as(team["hr"])
    for url in ["/appraisal/", "/appraisal/team", "/appraisal/overdue", "/appraisal/overview",
                "/appraisal/bonus", "/appraisal/templates", "/appraisal/templates/edit/sales_rep",
                f"/appraisal/{opened['rep'].id}", f"/appraisal/people/{team['rep'].id}"]:
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_manager_sees_calibration_candidates_and_bonus(db, opened, team, login_as):
    client = login_as(team["manager"])
    for url in ["/appraisal/calibration", "/appraisal/candidates", "/appraisal/bonus", "/appraisal/team"]:
        assert client.get(url).status_code == 200, url


def test_a_representative_sees_only_their_own(db, opened, team, login_as):
    client = login_as(team["rep"])
    assert client.get(f"/appraisal/{opened['rep'].id}").status_code == 200
    assert client.get(f"/appraisal/{opened['other'].id}").status_code == 404
    assert client.get(f"/appraisal/people/{team['other'].id}").status_code == 404
    assert client.get("/appraisal/calibration").status_code == 403
    assert client.get("/appraisal/overview").status_code == 403
    team_page = client.get("/appraisal/team").get_data(as_text=True)
    assert team["rep"].name in team_page and team["other"].name not in team_page


def test_a_supervisor_sees_the_team_but_not_outside_it(db, opened, team, login_as, make_user, template, november):
    client = login_as(team["supervisor"])
    assert client.get(f"/appraisal/{opened['other'].id}").status_code == 200
    outsider = make_user("rep9", roles=["sales_rep"], position="sales_rep")
    assert client.get(f"/appraisal/people/{outsider.id}").status_code == 404
    page = client.get("/appraisal/team").get_data(as_text=True)
    assert team["rep"].name in page and team["other"].name in page


def test_self_assessment_through_the_page(db, opened, team, login_as):
    rep = opened["rep"]
    client = login_as(team["rep"])
    behaviour = [s.indicator_id for s in rep.scores if s.indicator.kind == "behaviour"]
    missing = client.post(f"/appraisal/{rep.id}/self", data={"version": rep.version, f"rating-{behaviour[0]}": "4"})
    assert missing.status_code == 422
    assert "请为每项行为指标打 1 到 5 分" in missing.get_data(as_text=True) or "1" in missing.get_data(as_text=True)
    data = {"version": rep.version, "comment": "本月新开 3 家客户"} | {f"rating-{i}": "4" for i in behaviour}
    done = client.post(f"/appraisal/{rep.id}/self", data=data)
    assert done.status_code == 302
    db.session.expire_all()
    assert rep.state == "superior_review" and rep.self_comment == "本月新开 3 家客户"
    again = client.post(f"/appraisal/{rep.id}/self", data=data)  # the old version: told, nothing changes
    assert again.status_code == 302


def test_bad_numbers_get_a_message_not_a_500(db, opened, team, login_as):
    from plugins.appraisal.services import appraisals as flow

    rep = opened["rep"]
    behaviour = [s.indicator_id for s in rep.scores if s.indicator.kind == "behaviour"]
    flow.submit_self(db.session, rep, team["rep"], dict.fromkeys(behaviour, 4), None, rep.version)
    flow.submit_review(db.session, rep, team["supervisor"], dict.fromkeys(behaviour, 4), None, rep.version)
    db.session.commit()
    client = login_as(team["manager"])
    for score in ("abc", "1e309", "NaN", "-5", "99999999999999999999"):
        response = client.post(f"/appraisal/{rep.id}/finalize", data={"version": rep.version, "score": score})
        assert response.status_code == 422, score
    response = client.post(f"/appraisal/{rep.id}/finalize", data={"version": rep.version, "score": "85"})
    assert response.status_code == 422  # a changed score needs a note
    response = client.post(f"/appraisal/{rep.id}/finalize",
                           data={"version": rep.version, "score": "85", "note": "与团队横向比较后调整"})
    assert response.status_code == 302
    db.session.expire_all()
    assert rep.final_score == Decimal("85.00") and rep.state == "final"


def test_ids_that_are_not_numbers_are_not_found(db, team, login_as):
    client = login_as(team["hr"])
    for url in ["/appraisal/abc", "/appraisal/99999999999999999999999", "/appraisal/people/²",
                "/appraisal/templates/999999", "/appraisal/templates/edit/nobody"]:
        assert client.get(url).status_code == 404, url
    assert client.get("/appraisal/bonus?cycle=abc").status_code == 200
    assert login_as(team["manager"]).get("/appraisal/calibration?cycle=abc").status_code == 200


def test_a_team_scoped_calibrator_sees_the_candidates_of_their_team_only(db, team, template, login_as, make_user):
    """The candidates page for a calibrator whose grant is narrower than "all": their team (R2.2.2,
    core.security.team_condition), not a person outside it."""
    from datetime import date, datetime

    from core.identity.models import Grant, Role
    from plugins.appraisal.models import Appraisal, Cycle
    from plugins.appraisal.permissions import CALIBRATE

    db.session.add(Role(code="team_calibrator", name="team_calibrator",
                        grants=[Grant(permission_code=CALIBRATE, scope="team")]))
    db.session.commit()
    lead = make_user("lead", roles=["sales_supervisor", "team_calibrator"], position="sales_supervisor",
                     superior_id=team["manager"].id)
    mine = make_user("rep9", roles=["sales_rep"], position="sales_rep", superior_id=lead.id)
    outside = team["rep"]  # the other supervisor's representative
    for month in (8, 9, 10):
        start = date(2026, month, 1)
        cycle = Cycle(kind="monthly", period_start=start, period_end=date(2026, month + 1, 1), due_on=start,
                      closes_at=datetime(2026, month + 1, 5))
        db.session.add(cycle)
        db.session.flush()
        for person in (mine, outside):
            db.session.add(Appraisal(cycle_id=cycle.id, kind="monthly", period_start=start, employee_id=person.id,
                                     template_id=template.id, state="final", due_on=start, grade="excellent",
                                     final_score=95))
    db.session.commit()
    client = login_as(lead)
    page = client.get("/appraisal/candidates").get_data(as_text=True)
    assert f"/appraisal/people/{mine.id}" in page and f"/appraisal/people/{outside.id}" not in page
    page = login_as(team["manager"], on=client).get("/appraisal/candidates").get_data(as_text=True)
    assert f"/appraisal/people/{mine.id}" in page and f"/appraisal/people/{outside.id}" in page  # "all"
