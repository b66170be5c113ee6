"""Deals through the six stages of R6: exit rules, moving back, winning and losing, concurrent moves."""

from decimal import Decimal

import pytest

from core.timeutil import local_today
from plugins.pipeline.services import PipelineError
from plugins.pipeline.services.quotations import LineInput, create_quotation, mark_sent
from plugins.pipeline.services.stages import lose_deal, move_deal

pytestmark = pytest.mark.usefixtures("english")  # they match the services' English messages


def test_stages_cannot_be_skipped(db, deal, team):
    with pytest.raises(PipelineError, match="one stage at a time"):
        move_deal(db.session, deal, "quotation", team["rep"])


def test_needs_discovery_requires_situation_pain_points_and_goals(db, deal, team):  # R6.2.1
    move_deal(db.session, deal, "needs", team["rep"])
    with pytest.raises(PipelineError, match="situation"):
        move_deal(db.session, deal, "quotation", team["rep"])
    deal.situation, deal.pain_points, deal.goals = "50 人销售团队", "客户跟进靠 Excel", "统一客户档案"
    move_deal(db.session, deal, "quotation", team["rep"])
    assert deal.stage == "quotation"


def test_quotation_stage_requires_a_sent_quotation(db, deal, team, products, next_month):  # R6.3.1
    deal.stage = "quotation"
    db.session.commit()
    with pytest.raises(PipelineError, match="quotation"):
        move_deal(db.session, deal, "negotiation", team["rep"])
    quotation = create_quotation(db.session, deal, team["rep"], [LineInput(products[0].id, Decimal("1"))],
                                 next_month)
    mark_sent(db.session, quotation)
    move_deal(db.session, deal, "negotiation", team["rep"])
    assert deal.stage == "negotiation"


def test_negotiation_requires_concerns_and_bottom_line_and_contract_a_signed_file(db, deal, team):

    from plugins.pipeline.services.orders import record_contract

    deal.stage = "negotiation"
    db.session.commit()
    with pytest.raises(PipelineError, match="bottom line"):  # R6.4.2
        move_deal(db.session, deal, "contract", team["rep"])
    deal.concerns, deal.bottom_line = "价格", "九折"
    move_deal(db.session, deal, "contract", team["rep"])
    contract = record_contract(db.session, deal, team["rep"], "HT-2026-001", local_today())
    with pytest.raises(PipelineError, match="signed contract"):  # R6.5.1
        move_deal(db.session, deal, "after_sales", team["rep"])
    contract.signed_file_id = 1
    move_deal(db.session, deal, "after_sales", team["rep"])
    assert deal.status == "won"


def test_moving_back_is_allowed_and_recorded(db, deal, team):
    from sqlalchemy import select

    from plugins.pipeline.models import DealStageChange

    move_deal(db.session, deal, "needs", team["rep"])
    move_deal(db.session, deal, "development", team["rep"], note="客户换了负责人")
    history = db.session.scalars(select(DealStageChange).order_by(DealStageChange.id)).all()
    assert [(h.from_stage, h.to_stage, h.backwards) for h in history] == [
        ("development", "needs", False), ("needs", "development", True)]


def test_a_lost_deal_needs_a_reason_and_names_the_competitor(db, deal, team):
    with pytest.raises(PipelineError, match="why"):
        lose_deal(db.session, deal, team["rep"], " ")
    lose_deal(db.session, deal, team["rep"], "预算取消", competitor="某友商")
    assert (deal.status, deal.lost_to_competitor) == ("lost", "某友商")
    with pytest.raises(PipelineError, match="closed"):
        move_deal(db.session, deal, "needs", team["rep"])


def test_two_people_moving_the_same_deal_at_once_end_with_one_move(app, db, deal, team):
    from core.extensions import db as database
    from plugins.pipeline.models import Deal, DealStageChange

    with app.app_context():  # a second request, with its own session, read the deal too
        theirs = database.session.get(Deal, deal.id)
        mine = deal
        move_deal(database.session, theirs, "needs", team["supervisor"])
        database.session.commit()
    with pytest.raises(PipelineError, match="meanwhile"):
        move_deal(db.session, mine, "needs", team["rep"], expected_version=1)
    db.session.rollback()
    assert db.session.query(DealStageChange).count() == 1
    assert db.session.get(Deal, deal.id).stage == "needs"


def test_a_stale_write_without_version_check_is_refused_by_the_version_column(app, db, deal, team):
    from core.extensions import db as database
    from plugins.pipeline.models import Deal

    deal.title = deal.title  # load it in this session
    with app.app_context():
        theirs = database.session.get(Deal, deal.id)
        move_deal(database.session, theirs, "needs", team["supervisor"])
        database.session.commit()
    with pytest.raises(PipelineError, match="meanwhile"):
        move_deal(db.session, deal, "needs", team["rep"])
