"""Quotations: exact totals to the fen, revisions that keep earlier versions, discount approval (R6.3, R6.4.2)."""

from decimal import Decimal

import pytest

from core.timeutil import local_today
from plugins.pipeline.services import PipelineError
from plugins.pipeline.services.quotations import (
    LineInput,
    create_quotation,
    decide_discount,
    mark_sent,
    record_response,
    request_approval,
    revise_quotation,
)

pytestmark = pytest.mark.usefixtures("english")  # they match the services' English messages


def test_totals_and_tax_match_to_the_fen(db, deal, team, products, next_month):
    lines = [LineInput(products[0].id, Decimal("3"), Decimal("19800.00"), Decimal("3")),
             LineInput(products[1].id, Decimal("7"), Decimal("399.00"), Decimal("2.5"))]
    q = create_quotation(db.session, deal, team["rep"], lines, next_month)
    # 3 × 19800 × 0.97 = 57618.00, tax 6% = 3457.08; 7 × 399 × 0.975 = 2723.175 → 2723.18, tax 13% = 354.01
    assert [line.net for line in q.lines] == [Decimal("57618.00"), Decimal("2723.18")]
    assert [line.tax for line in q.lines] == [Decimal("3457.08"), Decimal("354.01")]
    assert (q.subtotal, q.tax_total, q.total) == (Decimal("60341.18"), Decimal("3811.09"), Decimal("64152.27"))
    assert q.discount_total == Decimal("1782.00") + Decimal("69.82")


@pytest.mark.parametrize("bad", [
    LineInput(0, Decimal("1")), LineInput(-1, Decimal("1")),
])
def test_unknown_products_are_refused(db, deal, team, next_month, bad):
    with pytest.raises(PipelineError, match="active product"):
        create_quotation(db.session, deal, team["rep"], [bad], next_month)


def test_bad_quantities_discounts_and_dates_are_refused_and_nothing_is_saved(db, deal, team, products,
                                                                                next_month):
    from datetime import timedelta

    from plugins.pipeline.models import Quotation

    for line, message in [(LineInput(products[0].id, Decimal("0")), "quantity"),
                          (LineInput(products[0].id, Decimal("1"), discount=Decimal("100")), "percentage"),
                          (LineInput(products[0].id, Decimal("1"), Decimal("-5")), "negative")]:
        with pytest.raises(PipelineError, match=message):
            create_quotation(db.session, deal, team["rep"], [line], next_month)
    with pytest.raises(PipelineError, match="past"):
        create_quotation(db.session, deal, team["rep"], [LineInput(products[0].id, Decimal("1"))],
                         local_today() - timedelta(days=1))
    db.session.rollback()
    assert db.session.query(Quotation).count() == 0


def test_a_revision_keeps_the_earlier_version_unchanged(db, deal, team, products, next_month):
    first = create_quotation(db.session, deal, team["rep"], [LineInput(products[0].id, Decimal("1"))], next_month)
    second = revise_quotation(db.session, first, team["rep"], [LineInput(products[0].id, Decimal("2"))],
                              next_month)
    assert (first.state, first.total) == ("superseded", Decimal("20988.00"))
    assert (second.number, second.revision, second.total) == (first.number, 2, Decimal("41976.00"))
    with pytest.raises(PipelineError, match="superseded"):
        revise_quotation(db.session, first, team["rep"], [LineInput(products[0].id, Decimal("1"))], next_month)


def test_a_discount_within_the_representatives_limit_is_sent_directly(db, deal, team, products, next_month):
    q = create_quotation(db.session, deal, team["rep"],
                         [LineInput(products[0].id, Decimal("1"), discount=Decimal("5"))], next_month)
    assert q.approval_level is None
    mark_sent(db.session, q)
    assert q.state == "sent"


def test_a_larger_discount_needs_the_supervisor_and_above_theirs_the_manager(db, deal, team, products,
                                                                             next_month):
    q = create_quotation(db.session, deal, team["rep"],
                         [LineInput(products[0].id, Decimal("1"), discount=Decimal("12"))], next_month)
    assert q.approval_level == "supervisor"
    with pytest.raises(PipelineError, match="approval"):
        mark_sent(db.session, q)
    request_approval(db.session, q)
    with pytest.raises(PipelineError, match="own discount"):
        decide_discount(db.session, q, team["rep"], True)
    decide_discount(db.session, q, team["supervisor"], True)
    mark_sent(db.session, q)

    big = create_quotation(db.session, deal, team["rep"],
                           [LineInput(products[0].id, Decimal("1"), discount=Decimal("20"))], next_month)
    assert big.approval_level == "manager"
    request_approval(db.session, big)
    with pytest.raises(PipelineError, match="sales manager"):
        decide_discount(db.session, big, team["supervisor"], True)
    with pytest.raises(PipelineError, match="why"):
        decide_discount(db.session, big, team["manager"], False)
    decide_discount(db.session, big, team["manager"], False, reason="低于成本")
    assert big.state == "draft"


def test_a_discount_above_every_limit_cannot_be_approved(db, deal, team, products, next_month):
    with pytest.raises(PipelineError, match="cannot be approved"):
        create_quotation(db.session, deal, team["rep"],
                         [LineInput(products[0].id, Decimal("1"), discount=Decimal("45"))], next_month)


def test_the_customers_answer_is_recorded_only_for_a_sent_quotation(db, deal, team, products, next_month):
    q = create_quotation(db.session, deal, team["rep"], [LineInput(products[0].id, Decimal("1"))], next_month)
    with pytest.raises(PipelineError, match="sent"):
        record_response(db.session, q, True)
    mark_sent(db.session, q)
    record_response(db.session, q, False, note="太贵")
    assert (q.state, q.response_note) == ("rejected", "太贵")
