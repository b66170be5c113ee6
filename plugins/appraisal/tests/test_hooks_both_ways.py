"""The hooks in both directions: the appraisal reads KPIs (register_kpis) and customer evaluations
(customer_evaluations, answered by the CRM from its surveys, R4.3.3), degrades clearly when a source is off, and
offers appraisal_finalized, its KPIs, its data set, its compliance check and its timeline."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from core.contracts import Period
from plugins.appraisal.models import Appraisal, Cycle
from plugins.appraisal.services import appraisals as flow
from plugins.appraisal.services.cycles import open_cycle
from plugins.appraisal.services.pulling import pull_cycle


def _survey(db, user, rating, answered_at, n):
    from plugins.crm.models import Customer, Survey

    customer = Customer(name=f"客户{n}", name_key=f"客户{n}", owner_id=user.id, state="customer")
    db.session.add(customer)
    db.session.flush()
    db.session.add(Survey(customer_id=customer.id, user_id=user.id, token_hash=f"{n:064d}", rating=rating,
                          expires_at=answered_at + timedelta(days=30), answered_at=answered_at))


def test_the_crm_answers_customer_evaluations_from_answered_surveys(db, team, november):
    from flask import current_app

    from core.contracts import CustomerEvaluation

    # 30 Nov 20:00 UTC is 1 December in Shanghai: outside November.
    for n, (rating, at) in enumerate([(5, datetime(2026, 11, 3, 2)), (3, datetime(2026, 11, 20, 8)),
                                      (1, datetime(2026, 11, 30, 20))]):
        _survey(db, team["rep"], rating, at, n)
    db.session.commit()
    answers = current_app.extensions["netsales"].collect(
        "customer_evaluations", CustomerEvaluation, user_ids=[team["rep"].id, team["other"].id], period=november)
    assert answers == [CustomerEvaluation(team["rep"].id, 2, Decimal("4.00"), "crm.surveys")]


def test_the_customer_evaluation_counts_in_the_final_score(db, team, template, november, fake_revenue):
    _survey(db, team["rep"], 4, datetime(2026, 11, 10, 3), 1)
    db.session.commit()
    cycle = db.session.get(Cycle, open_cycle(db.session, "monthly", november).cycle_id)
    pull_cycle(db.session, cycle)
    db.session.commit()
    rep = db.session.scalar(select(Appraisal).where(Appraisal.employee_id == team["rep"].id))
    other = db.session.scalar(select(Appraisal).where(Appraisal.employee_id == team["other"].id))
    assert rep.customer_score == Decimal("80.00") and rep.customer_responses == 1
    assert other.customer_score is None and other.customer_source == "no_answers"


def test_without_the_crm_the_customer_source_is_off_and_said(db, team, template, november, fake_revenue,
                                                            disable_plugin, login_as):
    disable_plugin("pipeline")
    disable_plugin("crm")
    cycle = db.session.get(Cycle, open_cycle(db.session, "monthly", november).cycle_id)
    pull_cycle(db.session, cycle)
    db.session.commit()
    rep = db.session.scalar(select(Appraisal).where(Appraisal.employee_id == team["rep"].id))
    assert rep.customer_source == "off"
    page = login_as(team["rep"]).get(f"/appraisal/{rep.id}").get_data(as_text=True)
    assert "没有模块提供客户评价" in page


def test_a_kpi_whose_module_is_off_is_left_out_and_said(db, team, template, november, disable_plugin, login_as):
    """The real KPIs: with the pipeline off, revenue cannot be read; its weight goes to the behaviours."""
    disable_plugin("pipeline")
    cycle = db.session.get(Cycle, open_cycle(db.session, "monthly", november).cycle_id)
    pull_cycle(db.session, cycle)
    db.session.commit()
    rep = db.session.scalar(select(Appraisal).where(Appraisal.employee_id == team["rep"].id))
    result = next(s for s in rep.scores if s.indicator.kind == "result")
    assert result.kpi_source is None and result.result_score is None and rep.result_score is None
    behaviour = [s.indicator_id for s in rep.scores if s.indicator.kind == "behaviour"]
    flow.submit_self(db.session, rep, team["rep"], dict.fromkeys(behaviour, 4), None, rep.version)
    db.session.commit()
    assert rep.self_score == Decimal("80.00")  # the behaviours alone
    page = login_as(team["rep"]).get(f"/appraisal/{rep.id}").get_data(as_text=True)
    assert "不可用：提供该数据的模块已停用" in page
    editor = login_as(team["manager"]).get("/appraisal/templates/edit/sales_rep").get_data(as_text=True)
    assert "不可用：提供该数据的模块已停用" in editor


def test_the_real_revenue_kpi_is_read_once_per_cycle(db, team, template, november, monkeypatch):
    from plugins.appraisal.services import pulling, sources

    calls = []
    real = sources.available_kpis

    def counting():
        kpis = real()
        kpi = kpis["pipeline.revenue"]

        def compute(ids, period):
            calls.append(list(ids))
            return kpi.compute(ids, period)

        from dataclasses import replace

        kpis["pipeline.revenue"] = replace(kpi, compute=compute)
        return kpis

    monkeypatch.setattr(pulling, "available_kpis", counting)
    cycle = db.session.get(Cycle, open_cycle(db.session, "monthly", november).cycle_id)
    pull_cycle(db.session, cycle)
    assert calls == [sorted([team["rep"].id, team["other"].id])]


def test_appraisal_finalized_reaches_a_listening_plugin(db, opened, team, make_app, temp_plugin):
    temp_plugin("listener", hooks="seen = []\n\n@hookimpl\ndef appraisal_finalized(appraisal):\n"
                                  "    seen.append((appraisal.id, appraisal.grade))\n")
    other = make_app()
    with other.app_context():
        from core.extensions import db as other_db
        from core.setup import enable_plugins

        enable_plugins(other, "listener")
        appraisal = other_db.session.get(Appraisal, opened["rep"].id)
        behaviour = [s.indicator_id for s in appraisal.scores if s.indicator.kind == "behaviour"]
        users = {u: other_db.session.merge(team[u]) for u in ("rep", "supervisor", "manager")}
        flow.submit_self(other_db.session, appraisal, users["rep"], dict.fromkeys(behaviour, 2), None, appraisal.version)
        flow.submit_review(other_db.session, appraisal, users["supervisor"], dict.fromkeys(behaviour, 2), None,
                           appraisal.version)
        flow.finalize(other_db.session, appraisal, users["manager"], appraisal.version)
        other_db.session.commit()
        seen = other.extensions["netsales"].plugins["listener"].hooks.seen
        assert seen == [(appraisal.id, appraisal.grade)]


def test_it_offers_kpis_a_dataset_a_compliance_check_and_a_timeline(db, opened, team, login_as):
    from flask import current_app

    from core.contracts import ComplianceCheck, DatasetDef, KPIDef, TimelineEntry

    engine = current_app.extensions["netsales"]
    rep = opened["rep"]
    behaviour = [s.indicator_id for s in rep.scores if s.indicator.kind == "behaviour"]
    flow.submit_self(db.session, rep, team["rep"], dict.fromkeys(behaviour, 4), None, rep.version)
    flow.submit_review(db.session, rep, team["supervisor"], dict.fromkeys(behaviour, 4), None, rep.version)
    flow.finalize(db.session, rep, team["manager"], rep.version)
    db.session.commit()

    kpis = {k.key: k for k in engine.collect("register_kpis", KPIDef)}
    period = Period(november_start := rep.period_start, november_start.replace(month=12))
    assert kpis["appraisal.score"].compute([team["rep"].id], period) == {team["rep"].id: rep.final_score}
    on_time = kpis["appraisal.on_time_rate"].compute([team["rep"].id, team["other"].id], period)
    assert on_time[team["rep"].id] in (Decimal("100.00"), Decimal("0.00"))  # depends on today vs the 10th

    dataset = next(d for d in engine.collect("register_datasets", DatasetDef) if d.key == "appraisal.results")
    rows = db.session.execute(dataset.query(team["rep"])).all()
    assert len(rows) == 1 and rows[0].person == team["rep"].name and rows[0].grade in ("优秀", "Excellent")
    assert db.session.execute(dataset.query(team["other"])).all() == []  # own scope: not someone else's

    check = next(c for c in engine.collect("compliance_checks", ComplianceCheck) if c.clause == "R4.2")
    assert check.measure().text
    entries = [e for answer in engine.call("timeline_entries", obj=rep, user=None) for e in answer
               if isinstance(e, TimelineEntry)]
    assert len(entries) >= 4  # opened, self, review, final


def test_the_regulation_page_shows_r4_served_with_the_live_figure(db, opened, team, login_as):
    from sqlalchemy import update

    table = Appraisal.__table__
    # The cycle's due day ended on 2 December (in the past): one appraisal made final on the 1st, one still open.
    db.session.execute(update(Cycle.__table__).values(closes_at=datetime(2026, 12, 2)))
    db.session.execute(update(table).where(table.c.id == opened["rep"].id).values(
        state="final", finalized_at=datetime(2026, 12, 1, 2, 0)))
    db.session.commit()
    page = login_as(team["hr"]).get("/regulation").get_data(as_text=True)
    assert "月度考核于 10 日前完成" in page
    assert "2 份月度考核中有 1 份在截止日前完成" in page
