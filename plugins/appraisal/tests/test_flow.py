"""One appraisal through its steps (R4.3): self-assessment, the superior's evaluation, calibration, final,
acknowledgement or appeal, HR's decision and reopening; each refused out of turn, concurrent moves resolved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from plugins.appraisal.services import AppraisalError, StaleError
from plugins.appraisal.services import appraisals as flow


def test_results_are_read_and_frozen_with_their_source_and_time(opened):
    rep = opened["rep"]
    result = next(s for s in rep.scores if s.indicator.kind == "result")
    assert result.kpi_value == Decimal("12000.00")
    assert result.kpi_source == "pipeline.revenue" and result.kpi_read_at is not None
    assert result.target == Decimal("10000.00")
    assert result.result_score == Decimal("120.00")  # 120 % of target, at the cap
    assert opened["other"].result_score == Decimal("50.00")
    assert rep.reviewer_id is not None and rep.state == "self_assessment"


def test_the_whole_flow_to_a_final_grade(db, opened, team, monkeypatch):
    fired = []
    from flask import current_app

    engine = current_app.extensions["netsales"]
    original = engine.call

    def spy(hook_name, **kwargs):
        if hook_name == "appraisal_finalized":
            fired.append(kwargs["appraisal"].id)
        return original(hook_name, **kwargs)

    monkeypatch.setattr(engine, "call", spy)
    rep = opened["rep"]
    behaviour = [s.indicator_id for s in rep.scores if s.indicator.kind == "behaviour"]
    flow.submit_self(db.session, rep, team["rep"], dict.fromkeys(behaviour, 5), "做得不错", rep.version)
    db.session.commit()
    assert rep.state == "superior_review"
    assert rep.self_score == Decimal("112.00")  # 60×120 + 20×100 + 20×100, over 100
    flow.submit_review(db.session, rep, team["supervisor"], {behaviour[0]: 4, behaviour[1]: 3}, "继续努力", rep.version)
    db.session.commit()
    assert rep.state == "calibration"
    assert rep.superior_score == Decimal("100.00")  # 72 + 16 + 12
    flow.finalize(db.session, rep, team["manager"], rep.version)
    db.session.commit()
    assert rep.state == "final" and rep.grade == "excellent"
    assert fired == [rep.id]


def test_steps_out_of_turn_are_refused(db, opened, team):
    rep = opened["rep"]
    behaviour = [s.indicator_id for s in rep.scores if s.indicator.kind == "behaviour"]
    with pytest.raises(AppraisalError):  # not their appraisal
        flow.submit_self(db.session, rep, team["other"], dict.fromkeys(behaviour, 3), None, rep.version)
    with pytest.raises(AppraisalError):  # the self-assessment is still open
        flow.submit_review(db.session, rep, team["supervisor"], dict.fromkeys(behaviour, 3), None, rep.version)
    with pytest.raises(AppraisalError):  # a rating missing
        flow.submit_self(db.session, rep, team["rep"], {behaviour[0]: 3}, None, rep.version)
    db.session.rollback()
    with pytest.raises(AppraisalError):  # only the superior reviews
        flow.submit_review(db.session, rep, team["manager"], dict.fromkeys(behaviour, 3), None, rep.version)


def test_a_stale_version_is_told_not_applied(db, opened, team):
    rep = opened["rep"]
    behaviour = [s.indicator_id for s in rep.scores if s.indicator.kind == "behaviour"]
    with pytest.raises(StaleError):
        flow.submit_self(db.session, rep, team["rep"], dict.fromkeys(behaviour, 3), None, rep.version - 1)
    db.session.rollback()
    assert rep.state == "self_assessment"


def _to_final(db, appraisal, team):
    behaviour = [s.indicator_id for s in appraisal.scores if s.indicator.kind == "behaviour"]
    flow.submit_self(db.session, appraisal, team["rep"], dict.fromkeys(behaviour, 3), None, appraisal.version)
    flow.submit_review(db.session, appraisal, team["supervisor"], dict.fromkeys(behaviour, 3), None, appraisal.version)
    flow.finalize(db.session, appraisal, team["manager"], appraisal.version)
    db.session.commit()


def test_appeal_then_hr_changes_the_score(db, opened, team):
    rep = opened["rep"]
    _to_final(db, rep, team)
    with pytest.raises(AppraisalError):
        flow.appeal(db.session, rep, team["rep"], "  ", rep.version)  # a reason is required
    db.session.rollback()
    flow.appeal(db.session, rep, team["rep"], "客户评价未计入", rep.version)
    db.session.commit()
    assert rep.state == "appealed"
    flow.decide_appeal(db.session, rep, team["hr"], "核实后调整", Decimal("79"), rep.version)
    db.session.commit()
    assert rep.state == "closed" and rep.final_score == Decimal("79.00") and rep.grade == "pass"


def test_reopen_needs_hr_and_a_reason(db, opened, team):
    rep = opened["rep"]
    _to_final(db, rep, team)
    with pytest.raises(AppraisalError):
        flow.reopen(db.session, rep, team["manager"], "重新评价", rep.version)
    with pytest.raises(AppraisalError):
        flow.reopen(db.session, rep, team["hr"], "", rep.version)
    db.session.rollback()
    flow.reopen(db.session, rep, team["hr"], "上级评分有误", rep.version)
    db.session.commit()
    assert rep.state == "superior_review" and rep.final_score is None
    from plugins.appraisal.models import Event

    assert db.session.query(Event).filter_by(appraisal_id=rep.id, kind="reopened").one().note == "上级评分有误"


def test_concurrent_appeal_and_reopen_one_wins(db, opened, team, app, make_app):
    """Two processes load the same final appraisal; the employee appeals first, then HR, holding the page from
    before, reopens: the database lets one UPDATE through, the other is told and changes nothing."""
    from core.identity.models import User
    from plugins.appraisal.models import Appraisal

    rep = opened["rep"]
    _to_final(db, rep, team)
    other = make_app()
    with other.app_context():
        from core.extensions import db as other_db

        hrs_copy = other_db.session.get(Appraisal, rep.id)
        hr = other_db.session.get(User, team["hr"].id)
        seen = hrs_copy.version
        with app.app_context():  # meanwhile, in the first process
            mine = db.session.get(Appraisal, rep.id)
            flow.appeal(db.session, mine, db.session.get(User, team["rep"].id), "不同意", mine.version)
            db.session.commit()
        with pytest.raises(StaleError):
            flow.reopen(other_db.session, hrs_copy, hr, "上级评分有误", seen)
    db.session.expire_all()
    assert db.session.get(Appraisal, rep.id).state == "appealed"


def test_without_a_superior_hr_reviews(db, team, template, november, fake_revenue):
    from plugins.appraisal.models import Appraisal
    from plugins.appraisal.services.cycles import open_cycle

    team["other"].superior_id = None
    db.session.commit()
    open_cycle(db.session, "monthly", november)
    db.session.commit()
    appraisal = db.session.query(Appraisal).filter_by(employee_id=team["other"].id).one()
    assert appraisal.reviewer_id is None
    assert flow.may_review(team["hr"], appraisal) and not flow.may_review(team["supervisor"], appraisal)


def test_after_the_due_date_the_superior_reviews_without_self_assessment(db, opened, team, monkeypatch):
    rep = opened["rep"]
    monkeypatch.setattr(flow, "local_today", lambda: date(2026, 12, 11))
    behaviour = [s.indicator_id for s in rep.scores if s.indicator.kind == "behaviour"]
    flow.submit_review(db.session, rep, team["supervisor"], dict.fromkeys(behaviour, 3), None, rep.version)
    db.session.commit()
    assert rep.self_score is None and "self" in rep.missing_sources


def test_the_next_person_to_act_is_notified(db, opened, team):
    from sqlalchemy import select

    from core.notifications.models import Notification

    rep = opened["rep"]
    behaviour = [s.indicator_id for s in rep.scores if s.indicator.kind == "behaviour"]
    flow.submit_self(db.session, rep, team["rep"], dict.fromkeys(behaviour, 4), None, rep.version)
    flow.submit_review(db.session, rep, team["supervisor"], dict.fromkeys(behaviour, 4), None, rep.version)
    flow.finalize(db.session, rep, team["manager"], rep.version)
    flow.appeal(db.session, rep, team["rep"], "理由", rep.version)
    db.session.commit()
    told = db.session.execute(select(Notification.recipient_id, Notification.message)
                              .where(Notification.url == f"/appraisal/{rep.id}")).all()
    assert (team["supervisor"].id, "%(name)s submitted their self-assessment; your evaluation is next.") in told
    assert (team["rep"].id, "Your appraisal result for %(period)s is final: acknowledge it or appeal.") in told
    assert (team["hr"].id, "%(name)s appealed their appraisal result.") in told


def test_two_managers_finalising_at_once_one_wins(db, opened, team, app, make_app, make_user):
    """The sales manager and the department head finalise the same appraisal from two processes: one result, one
    refusal that says so."""
    from core.identity.models import User
    from plugins.appraisal.models import Appraisal

    head = make_user("head1", roles=["department_head"], position="department_head")
    rep = opened["rep"]
    behaviour = [s.indicator_id for s in rep.scores if s.indicator.kind == "behaviour"]
    flow.submit_self(db.session, rep, team["rep"], dict.fromkeys(behaviour, 3), None, rep.version)
    flow.submit_review(db.session, rep, team["supervisor"], dict.fromkeys(behaviour, 3), None, rep.version)
    db.session.commit()
    other = make_app()
    with other.app_context():
        from core.extensions import db as other_db

        heads_copy = other_db.session.get(Appraisal, rep.id)
        seen = heads_copy.version
        with app.app_context():
            mine = db.session.get(Appraisal, rep.id)
            flow.finalize(db.session, mine, db.session.get(User, team["manager"].id), mine.version, Decimal("88"),
                          "横向比较")
            db.session.commit()
        with pytest.raises(StaleError):
            flow.finalize(other_db.session, heads_copy, other_db.session.get(User, head.id), seen, Decimal("70"),
                          "另一种看法")
    db.session.expire_all()
    assert db.session.get(Appraisal, rep.id).final_score == Decimal("88.00")
