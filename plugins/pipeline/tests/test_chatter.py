"""Chatter everywhere (issue 12): the deal's timeline tells the story of its quotations (created, submitted for
discount approval, approved by whom, sent with the e-mail's real state, accepted), its contract, order and
after-sales tickets, in the reader's language; quotations, orders and tickets have a timeline with comments; every
audited pipeline model names itself and the fields a reader follows (core/audit/labels.py)."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from core.extensions import db as _db
from plugins.pipeline.tests.conftest import sign_contract


def text_of(response) -> str:
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def timeline_of(response) -> str:
    html = response.get_data(as_text=True)
    assert 'id="timeline"' in html
    start = html.index('id="timeline"')
    part = html[html.index(">", start) + 1:]  # after the section's own tag
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part))


def speaking(db, user, locale: str) -> None:
    """The reader's language is theirs (their profile's locale)."""
    user.locale = locale
    db.session.commit()


def test_every_audited_pipeline_model_names_itself_and_its_followed_fields(app):
    from core.audit import is_audited

    models = [m.class_ for m in _db.Model.registry.mappers if m.local_table.name.startswith("pipeline_")]
    assert len(models) >= 14
    for model in models:
        if not is_audited(model):
            continue
        assert getattr(model, "__label__", None) is not None, model.__name__
        tracked = getattr(model, "__tracked__", None)
        assert tracked, f"{model.__name__} declares no __tracked__"
        assert set(tracked) <= set(model.__mapper__.attrs.keys()), model.__name__
        for bookkeeping in ("version", "id", "created_at", "stage_entered_at"):
            assert bookkeeping not in tracked, (model.__name__, bookkeeping)


def _the_story(client, login_as, db, deal, team, products, next_month):
    """Quotation with a 10 % discount → approval by the supervisor → sent → accepted → contract → order → ticket
    opened, resolved and closed; all through the pages."""
    from plugins.pipeline.models import Order, Quotation, Ticket

    login_as(team["rep"])
    saved = client.post(f"/pipeline/deals/{deal.id}/quotations/new", data={
        "lines-0-product_id": products[0].id, "lines-0-quantity": "1", "lines-0-discount": "10",
        "valid_until": next_month.isoformat()})
    assert saved.status_code == 302
    quotation = db.session.scalar(select(Quotation).where(Quotation.deal_id == deal.id))
    assert client.post(f"/pipeline/quotations/{quotation.id}/request-approval").status_code == 302
    login_as(team["supervisor"])
    assert client.post(f"/pipeline/quotations/{quotation.id}/decide", data={"decision": "approve"}).status_code == 302
    login_as(team["rep"])
    assert client.post(f"/pipeline/quotations/{quotation.id}/send").status_code == 302
    assert client.post(f"/pipeline/quotations/{quotation.id}/response",
                       data={"answer": "accept", "note": "同意"}).status_code == 302
    sign_contract(db, deal, team["rep"], "HT-2026-777")
    assert client.post(f"/pipeline/quotations/{quotation.id}/order").status_code == 302
    order = db.session.scalar(select(Order).where(Order.deal_id == deal.id))
    assert client.post(f"/pipeline/tickets/new?order_id={order.id}", data={
        "customer_id": deal.customer_id, "kind": "training", "priority": "normal",
        "subject": "上线培训"}).status_code == 302
    ticket = db.session.scalar(select(Ticket).where(Ticket.order_id == order.id))
    client.post(f"/pipeline/tickets/{ticket.id}/state", data={"state": "resolved", "resolution": "已培训"})
    client.post(f"/pipeline/tickets/{ticket.id}/state", data={"state": "closed"})
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).state == "closed"
    return quotation, order, ticket


def test_the_deals_timeline_tells_the_quotation_order_and_ticket_story(client, login_as, db, deal, team, products,
                                                                      next_month):
    from core.notifications.models import EmailOutbox

    quotation, order, ticket = _the_story(client, login_as, db, deal, team, products, next_month)
    name = f"{quotation.number} revision 1"
    speaking(db, team["rep"], "en")
    text = timeline_of(client.get(f"/pipeline/deals/{deal.id}"))
    for line in (f"Quotation {name} created", f"Quotation {name} submitted for discount approval",
                 f"Discount of quotation {name} approved by {team['supervisor'].name}",
                 f"Quotation {name} sent to buyer@yunfan.example: e-mail queued, not sent yet",
                 f"The customer accepted quotation {name} — 同意",
                 "Sales contract HT-2026-777 signed on", f"Order {order.number} created",
                 "Training request ticket “上线培训” opened", "Ticket “上线培训” resolved", "Ticket “上线培训” closed"):
        assert line in text, line
    # The order of events is the order they happened in.
    assert text.index("submitted for discount approval") < text.index("approved by") < text.index("sent to") \
        < text.index("The customer accepted") < text.index(f"Order {order.number} created")
    for internal in ("pending_approval", "pipeline_", "Quotation:", "DiscountDecision", "training ", "UTC"):
        assert internal not in text, internal

    # The e-mail's real state: once it has left, the timeline says so; a failure says why.
    mail = db.session.scalar(select(EmailOutbox).where(EmailOutbox.ref == f"pipeline.quotation:{quotation.id}"))
    mail.sent_at = mail.created_at
    db.session.commit()
    assert "buyer@yunfan.example: e-mail sent" in timeline_of(client.get(f"/pipeline/deals/{deal.id}"))
    mail.sent_at, mail.next_attempt_at, mail.last_error = None, None, "550 mailbox unavailable"
    db.session.commit()
    assert "e-mail failed (550 mailbox unavailable)" in timeline_of(client.get(f"/pipeline/deals/{deal.id}"))

    speaking(db, team["rep"], "zh_Hans")
    chinese = timeline_of(client.get(f"/pipeline/deals/{deal.id}"))
    assert "提交折扣审批" in chinese and "客户接受了报价单" in chinese
    assert "submitted" not in chinese


def test_quotations_orders_and_tickets_have_a_timeline_with_comments(client, login_as, db, deal, team, products,
                                                                     next_month):
    from core.timeline.models import Comment

    quotation, order, ticket = _the_story(client, login_as, db, deal, team, products, next_month)
    speaking(db, team["rep"], "en")
    for url, table, record in ((f"/pipeline/quotations/{quotation.id}", "pipeline_quotation", quotation),
                               (f"/pipeline/orders/{order.id}", "pipeline_order", order),
                               (f"/pipeline/tickets/{ticket.id}", "pipeline_ticket", ticket)):
        page = client.get(url + "")
        assert page.status_code == 200
        assert 'name="body"' in page.get_data(as_text=True), url  # the comment form is offered
        posted = client.post(f"/timeline/{table}/{record.id}/comments", data={"body": f"备注 {table}", "next": url})
        assert posted.status_code in (302, 303), url
        assert f"备注 {table}" in timeline_of(client.get(url))
        assert _db.session.scalar(select(Comment.id).where(Comment.record_type == table,
                                                           Comment.record_id == record.id)) is not None
    quotation_text = timeline_of(client.get(f"/pipeline/quotations/{quotation.id}"))
    assert f"Order {order.number} created" in quotation_text
    order_text = timeline_of(client.get(f"/pipeline/orders/{order.id}"))
    assert "Order created: Confirmed" in order_text
    ticket_text = timeline_of(client.get(f"/pipeline/tickets/{ticket.id}"))
    assert "Resolved → Closed" in ticket_text.replace("  ", " ")  # the state change, by its labels


def test_a_deals_timeline_shows_only_the_orders_and_tickets_the_reader_may_see(client, login_as, db, deal, team,
                                                                               products, next_month, make_user):
    quotation, order, ticket = _the_story(client, login_as, db, deal, team, products, next_month)
    # Someone who sees deals but not orders or tickets (the department head's default grants).
    head = make_user("head", roles=["department_head"])
    from core.security import can

    assert can(head, "pipeline.deal.view") and not can(head, "pipeline.ticket.view")
    speaking(db, head, "en")
    login_as(head)
    text = timeline_of(client.get(f"/pipeline/deals/{deal.id}"))
    assert "approved by" in text
    assert "上线培训" not in text
    assert Decimal(quotation.total) > 0
