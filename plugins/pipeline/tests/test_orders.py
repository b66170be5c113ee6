"""Orders (R6.5): from the accepted quotation, fulfilment steps, who was told what, follow-up after delivery."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from core.timeutil import local_today
from plugins.pipeline.services import PipelineError
from plugins.pipeline.services.orders import change_status, order_from_quotation
from plugins.pipeline.services.quotations import LineInput, create_quotation, mark_sent, record_response
from plugins.pipeline.tests.conftest import sign_contract

pytestmark = pytest.mark.usefixtures("english")  # they match the services' English messages


@pytest.fixture
def accepted(db, deal, team, products, next_month):
    q = create_quotation(db.session, deal, team["rep"], [LineInput(products[0].id, Decimal("2")),
                                                         LineInput(products[1].id, Decimal("3"))], next_month)
    mark_sent(db.session, q)
    record_response(db.session, q, True)
    db.session.commit()
    sign_contract(db, deal, team["rep"])
    return q


def test_an_order_is_made_once_from_an_accepted_quotation(db, accepted, team):
    order = order_from_quotation(db.session, accepted, team["rep"])
    assert order.status == "confirmed" and order.number.startswith("SO-")
    # The quotation's total, tax included (issue 12: the order showed ¥23,400 before tax where the quotation showed
    # ¥24,804); the lines keep the net revenue the KPIs sum.
    assert order.total == accepted.total == Decimal("39600.00") * Decimal("1.06") + Decimal("1197.00") * Decimal("1.13")
    assert sum(ln.revenue for ln in order.lines) == Decimal("39600.00") + Decimal("1197.00")
    assert order.cost_total == Decimal("8000.00") + Decimal("630.00")
    with pytest.raises(PipelineError, match="already has an order"):
        order_from_quotation(db.session, accepted, team["rep"])


def test_every_step_tells_the_customer_and_the_configured_department(db, accepted, team):
    from core.identity.models import Department
    from core.notifications.models import EmailOutbox, Notification
    from core.settings import set_setting
    from plugins.pipeline.models import OrderNotice

    logistics = Department(name="物流部")
    db.session.add(logistics)
    db.session.flush()
    team["other"].department_id = logistics.id
    set_setting("pipeline.notify_shipped", "物流部")
    db.session.commit()
    order = order_from_quotation(db.session, accepted, team["rep"])
    with pytest.raises(PipelineError, match="tracking"):
        change_status(db.session, order, "shipped", team["rep"])
    change_status(db.session, order, "shipped", team["rep"], carrier="顺丰", tracking_number="SF123456")
    db.session.commit()
    notices = db.session.scalars(select(OrderNotice).order_by(OrderNotice.id)).all()
    assert [(n.status, n.audience, n.channel) for n in notices] == [
        ("confirmed", "customer", "email"), ("shipped", "department", "in_app"), ("shipped", "customer", "email")]
    assert db.session.query(Notification).filter_by(recipient_id=team["other"].id).count() == 1
    emails = db.session.scalars(select(EmailOutbox).order_by(EmailOutbox.id)).all()
    assert "SF123456" in emails[-1].body_text and emails[-1].to == "buyer@yunfan.example"


def test_statuses_follow_the_fulfilment_order(db, accepted, team):
    order = order_from_quotation(db.session, accepted, team["rep"])
    with pytest.raises(PipelineError, match="cannot become"):
        change_status(db.session, order, "delivered", team["rep"])
    change_status(db.session, order, "cancelled", team["rep"])
    with pytest.raises(PipelineError, match="cannot become"):
        change_status(db.session, order, "shipped", team["rep"], carrier="x", tracking_number="y")


def test_delivery_schedules_the_follow_up(db, accepted, team):
    from datetime import timedelta

    from plugins.pipeline.models import FollowUp

    order = order_from_quotation(db.session, accepted, team["rep"])
    change_status(db.session, order, "shipped", team["rep"], carrier="顺丰", tracking_number="SF1")
    change_status(db.session, order, "delivered", team["rep"])
    follow_up = db.session.scalar(select(FollowUp))
    assert follow_up.due_on == local_today() + timedelta(days=7) and follow_up.owner_id == team["rep"].id


def test_purchase_stats_answer_the_crm(app, db, accepted, team, customer):
    from datetime import date

    from core.contracts import PurchaseStats

    order_from_quotation(db.session, accepted, team["rep"])
    db.session.commit()
    stats = app.extensions["netsales"].collect("customer_purchase_stats", PurchaseStats,
                                               customer_ids=[customer.id], since=date(2020, 1, 1))
    pipeline_stats = [s for s in stats if s.orders == 1]
    # what the customer pays, tax included, as the order's total (issue 12) and as a shop order's total
    assert pipeline_stats and pipeline_stats[0].amount == accepted.total == Decimal("43328.61")
