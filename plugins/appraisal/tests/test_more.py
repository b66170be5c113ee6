"""Re-reading results before the close (HR, with a reason), annual cycles, a superior appraised in the same cycle,
the dashboard widget and the settings section."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.contracts import Period
from plugins.appraisal.models import Appraisal, Cycle, Event
from plugins.appraisal.services import AppraisalError
from plugins.appraisal.services import appraisals as flow
from plugins.appraisal.services.cycles import open_cycle
from plugins.appraisal.services.pulling import pull_cycle


def test_hr_reads_results_again_with_a_reason_and_only_before_the_close(db, opened, team, fake_revenue):
    rep = opened["rep"]
    fake_revenue[team["rep"].id] = Decimal("9000")  # an order corrected after the first reading
    with pytest.raises(AppraisalError):
        flow.repull(db.session, rep, team["hr"], "", rep.version)  # a reason is required
    db.session.rollback()
    with pytest.raises(AppraisalError):
        flow.repull(db.session, rep, team["manager"], "订单更正", rep.version)  # HR only
    db.session.rollback()
    flow.repull(db.session, rep, team["hr"], "订单更正", rep.version)
    db.session.commit()
    db.session.expire_all()
    rep = db.session.get(Appraisal, rep.id)
    result = next(s for s in rep.scores if s.indicator.kind == "result")
    assert result.kpi_value == Decimal("9000.00") and result.result_score == Decimal("90.00")
    assert db.session.scalar(select(Event.note).where(Event.appraisal_id == rep.id, Event.kind == "repulled")) \
        == "订单更正"
    # Once final, the frozen figures stay: a later reading is refused and the cycle's reading skips it.
    behaviour = [s.indicator_id for s in rep.scores if s.indicator.kind == "behaviour"]
    flow.submit_self(db.session, rep, team["rep"], dict.fromkeys(behaviour, 3), None, rep.version)
    flow.submit_review(db.session, rep, team["supervisor"], dict.fromkeys(behaviour, 3), None, rep.version)
    flow.finalize(db.session, rep, team["manager"], rep.version)
    db.session.commit()
    fake_revenue[team["rep"].id] = Decimal("1")
    with pytest.raises(AppraisalError):
        flow.repull(db.session, rep, team["hr"], "再读一次", rep.version)
    db.session.rollback()
    pull_cycle(db.session, db.session.get(Cycle, rep.cycle_id))
    db.session.commit()
    db.session.expire_all()
    assert next(s for s in db.session.get(Appraisal, rep.id).scores if s.indicator.kind == "result").kpi_value \
        == Decimal("9000.00")


def test_an_annual_appraisal_uses_twelve_months_of_target_and_pro_rata(db, team, template, fake_revenue,
                                                                      make_user):
    joiner = make_user("joiner", roles=["sales_rep"], position="sales_rep", superior_id=team["supervisor"].id,
                       hire_date=date(2026, 7, 1))
    fake_revenue[team["rep"].id] = Decimal("120000")
    fake_revenue[joiner.id] = Decimal("30000")
    year = Period(date(2026, 1, 1), date(2027, 1, 1))
    cycle = db.session.get(Cycle, open_cycle(db.session, "annual", year).cycle_id)
    assert cycle.due_on == date(2027, 1, 10)
    pull_cycle(db.session, cycle)
    db.session.commit()
    rows = {a.employee_id: a for a in db.session.scalars(select(Appraisal).where(Appraisal.cycle_id == cycle.id))}
    full = next(s for s in rows[team["rep"].id].scores if s.indicator.kind == "result")
    assert full.target == Decimal("120000.00") and full.result_score == Decimal("100.00")
    half = next(s for s in rows[joiner.id].scores if s.indicator.kind == "result")
    assert rows[joiner.id].prorata == Decimal("0.5041")  # 184 of 365 days
    assert half.target == Decimal("60492.00") and half.result_score == Decimal("49.59")


def test_a_superior_appraised_in_the_same_cycle_still_reviews_their_team(db, team, template, november, fake_revenue):
    from plugins.appraisal.services.sources import available_kpis
    from plugins.appraisal.services.templates import IndicatorInput, save_template

    save_template(db.session, team["hr"], "sales_supervisor", "主管考核", [
        IndicatorInput("behaviour", "团队管理", Decimal("100"), anchors="1\n2\n3\n4\n5")], available_kpis())
    db.session.commit()
    cycle = db.session.get(Cycle, open_cycle(db.session, "monthly", november).cycle_id)
    pull_cycle(db.session, cycle)
    db.session.commit()
    by = {a.employee_id: a for a in db.session.scalars(select(Appraisal).where(Appraisal.cycle_id == cycle.id))}
    own = by[team["supervisor"].id]
    assert own.reviewer_id == team["manager"].id  # appraised by their own superior
    rep = by[team["rep"].id]
    behaviour = [s.indicator_id for s in rep.scores if s.indicator.kind == "behaviour"]
    flow.submit_self(db.session, rep, team["rep"], dict.fromkeys(behaviour, 4), None, rep.version)
    flow.submit_review(db.session, rep, team["supervisor"], dict.fromkeys(behaviour, 4), None, rep.version)
    db.session.commit()
    assert rep.state == "calibration" and own.state == "self_assessment"
    assert not flow.may_review(team["supervisor"], own) and not flow.may_calibrate(team["supervisor"], own)


def test_the_dashboard_shows_my_appraisal_and_what_waits_for_me(db, opened, team, login_as):
    page = login_as(team["rep"]).get("/").get_data(as_text=True)
    assert "我的考核" in page and "自评截止" in page
    page = login_as(team["supervisor"]).get("/").get_data(as_text=True)
    assert "有 2 份考核等待您评价。" in page


def test_the_settings_page_has_the_appraisal_section(db, make_user, login_as):
    admin = make_user("boss", roles=["admin"], position="admin")
    page = login_as(admin).get("/admin/settings").get_data(as_text=True)
    assert "绩效考核" in page and "上级评价权重（%）" in page


def test_my_profile_shows_my_results_and_recognition(db, opened, team, login_as):
    rep = opened["rep"]
    behaviour = [s.indicator_id for s in rep.scores if s.indicator.kind == "behaviour"]
    flow.submit_self(db.session, rep, team["rep"], dict.fromkeys(behaviour, 5), None, rep.version)
    flow.submit_review(db.session, rep, team["supervisor"], dict.fromkeys(behaviour, 5), None, rep.version)
    flow.finalize(db.session, rep, team["manager"], rep.version)
    db.session.commit()
    page = login_as(team["rep"]).get("/profile").get_data(as_text=True)
    assert "考核结果" in page and "优秀" in page and "表彰" in page


def test_grade_names_are_settings(db, opened, team, login_as):
    from core.settings import set_setting

    set_setting("appraisal.grade_name_excellent", "卓越")
    db.session.commit()
    rep = opened["rep"]
    behaviour = [s.indicator_id for s in rep.scores if s.indicator.kind == "behaviour"]
    flow.submit_self(db.session, rep, team["rep"], dict.fromkeys(behaviour, 5), None, rep.version)
    flow.submit_review(db.session, rep, team["supervisor"], dict.fromkeys(behaviour, 5), None, rep.version)
    db.session.commit()
    page = login_as(team["manager"]).get(f"/appraisal/calibration?cycle={rep.cycle_id}").get_data(as_text=True)
    assert "卓越" in page and "优秀" not in page
