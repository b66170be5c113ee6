"""Shared set-up for the appraisal's tests: a sales team (manager → supervisor → two representatives), HR, a
representatives' template with one result and two behaviour indicators, and helpers to open a month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.contracts import KPIDef, Period


@pytest.fixture
def team(app, make_user):
    manager = make_user("mgr", roles=["sales_manager"], position="sales_manager")
    supervisor = make_user("sup", roles=["sales_supervisor"], position="sales_supervisor", superior_id=manager.id)
    rep = make_user("rep", roles=["sales_rep"], position="sales_rep", superior_id=supervisor.id)
    other = make_user("rep2", roles=["sales_rep"], position="sales_rep", superior_id=supervisor.id)
    hr = make_user("hr1", roles=["hr"], position="hr")
    return {"manager": manager, "supervisor": supervisor, "rep": rep, "other": other, "hr": hr}


BEHAVIOUR_ANCHORS = "差\n较差\n合格\n良好\n优秀"


@pytest.fixture
def template(db, team):
    """The representatives' template: revenue 60 % (target 10,000, linear capped at 120), two behaviours 20 % each."""
    from plugins.appraisal.services.sources import available_kpis
    from plugins.appraisal.services.templates import IndicatorInput, save_template

    rows = [IndicatorInput("result", "销售额", Decimal("60"), kpi_key="pipeline.revenue", target=Decimal("10000"),
                           rule="linear", cap=Decimal("120")),
            IndicatorInput("behaviour", "工作态度", Decimal("20"), anchors=BEHAVIOUR_ANCHORS),
            IndicatorInput("behaviour", "团队协作", Decimal("20"), anchors=BEHAVIOUR_ANCHORS)]
    saved = save_template(db.session, team["manager"], "sales_rep", "销售代表月度考核", rows, available_kpis())
    db.session.commit()
    return saved


@pytest.fixture
def november():
    return Period(date(2026, 11, 1), date(2026, 12, 1))


@pytest.fixture
def fake_revenue(monkeypatch):
    """Replace the KPIs with fixed figures (the appraisal reads them only through register_kpis)."""
    figures: dict[int, Decimal] = {}

    def compute(user_ids, period):
        return {uid: figures.get(uid, Decimal("0")) for uid in user_ids}

    from plugins.appraisal.services import pulling, sources

    def kpis():
        return {"pipeline.revenue": KPIDef("pipeline.revenue", "Sales revenue", "CNY", compute)}

    monkeypatch.setattr(sources, "available_kpis", kpis)
    monkeypatch.setattr(pulling, "available_kpis", kpis)
    return figures


@pytest.fixture
def opened(db, team, template, november, fake_revenue):
    """November opened and read: {login: appraisal}."""
    from plugins.appraisal.models import Appraisal, Cycle
    from plugins.appraisal.services.cycles import open_cycle
    from plugins.appraisal.services.pulling import pull_cycle

    fake_revenue[team["rep"].id] = Decimal("12000")
    fake_revenue[team["other"].id] = Decimal("5000")
    opening = open_cycle(db.session, "monthly", november)
    db.session.commit()
    pull_cycle(db.session, db.session.get(Cycle, opening.cycle_id))
    db.session.commit()
    rows = db.session.query(Appraisal).filter_by(cycle_id=opening.cycle_id).all()
    by_id = {a.employee_id: a for a in rows}
    return {login: by_id[user.id] for login, user in team.items() if user.id in by_id}


@pytest.fixture
def english(app):
    from flask_babel import force_locale

    with force_locale("en"):
        yield
