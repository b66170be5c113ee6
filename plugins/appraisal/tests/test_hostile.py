"""What careless or hostile people type, into every form of the appraisal: never a 500, nothing half-saved."""

from __future__ import annotations

from sqlalchemy import func, select

from plugins.appraisal.models import Appraisal, Template
from plugins.appraisal.services import appraisals as flow

HOSTILE = ["", " ", "-1", "1e40", "1e309", "NaN", "Infinity", "99999999999999999999", "9223372036854775808", "²",
           "１２", "½", "0x10", "\x00", "a\x00b", "\u202eevil", "x" * 5000, "<script>alert(1)</script>", "' OR 1=1 --",
           "2026-13-45", "null", "[]"]


def test_appraisal_forms_never_answer_500(app, db, opened, team, login_as):
    rep = opened["rep"]
    behaviour = [s.indicator_id for s in rep.scores if s.indicator.kind == "behaviour"]
    employee = login_as(team["rep"], on=app.test_client())
    supervisor = login_as(team["supervisor"], on=app.test_client())
    for value in HOSTILE:
        data = {"version": value, "comment": value, "reason": value} | {f"rating-{i}": value for i in behaviour}
        for url in (f"/appraisal/{rep.id}/self", f"/appraisal/{rep.id}/acknowledge", f"/appraisal/{rep.id}/appeal"):
            assert employee.post(url, data=data).status_code < 500, (url, value)
    db.session.expire_all()
    assert db.session.get(Appraisal, rep.id).state == "self_assessment"
    flow.submit_self(db.session, rep, team["rep"], dict.fromkeys(behaviour, 3), None, rep.version)
    flow.submit_review(db.session, rep, team["supervisor"], dict.fromkeys(behaviour, 3), None, rep.version)
    db.session.commit()
    provisional = rep.final_score
    manager, hr = login_as(team["manager"], on=app.test_client()), login_as(team["hr"], on=app.test_client())
    for value in HOSTILE:
        data = {"version": str(rep.version), "score": value, "note": value, "reason": value, "decision": value}
        assert manager.post(f"/appraisal/{rep.id}/finalize", data=data).status_code < 500, value
        assert hr.post(f"/appraisal/{rep.id}/repull", data=data).status_code < 500, value
        assert manager.post("/appraisal/calibration/finalize",
                            data={"ids": value, "cycle": value, f"version-{value}": value}).status_code < 500, value
        assert hr.post("/appraisal/cycles/open", data={"kind": value, "year": value, "month": value}).status_code < 500
        assert supervisor.get(f"/appraisal/team?cycle={value}&state={value}&grade={value}&page={value}").status_code < 500
    db.session.expire_all()
    # An empty score keeps the provisional one (a valid finalisation); no typed value became the score.
    assert db.session.get(Appraisal, rep.id).final_score == provisional


def test_template_editor_never_answers_500_and_saves_nothing_bad(db, team, login_as):
    client = login_as(team["hr"])
    for value in HOSTILE:
        data = {"name": value, "note": value}
        for field in ("kind", "name", "weight", "kpi_key", "target", "rule", "cap", "bands", "anchors", "team_total"):
            data[f"rows-0-{field}"] = value
        assert client.post("/appraisal/templates/edit/sales_rep", data=data).status_code < 500, value
        assert client.get(f"/appraisal/templates/{value}").status_code < 500
    assert db.session.scalar(select(func.count(Template.id))) == 0
