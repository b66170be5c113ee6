"""Concurrent transitions of one pipeline record: exactly one wins, the other is told (DESIGN.md, issue 11 F3).

Where the concurrency suite lives: each plugin keeps its own in ``plugins/<name>/tests/test_concurrency.py``,
beside the plugin's other tests, so that a plugin carries its suite wherever it goes (as a third-party plugin
would); the core's transitions keep theirs beside their other tests (job leases in tests/core/jobs/test_runner.py,
the e-mail outbox in tests/core/notifications/test_email_outbox.py). Every test drives two app instances (two connection pools, as two processes) through
``core.testing.concurrency.race``, which holds each request just before its first write until both have read
the record: the interleaving that lets both pass the state checks. That makes the race
deterministic, so the tests run on SQLite and on PostgreSQL alike, and each fails without its guard.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from core.testing.concurrency import race


@pytest.fixture
def two_clients(make_app: Any, login_as: Any) -> Any:
    """``two_clients(user_a, user_b)`` → two test clients of two app instances, signed in as each."""

    def build(first: Any, second: Any) -> tuple[Any, Any]:
        clients = []
        for user in (first, second):
            client = make_app().test_client()
            login_as(user, on=client)
            clients.append(client)
        return clients[0], clients[1]

    return build


def _english(db: Any, *users: Any) -> None:
    for user in users:
        user.locale = "en"
    db.session.commit()


def _pending_quotation(db: Any, deal: Any, team: Any, products: Any, next_month: Any) -> int:
    from plugins.pipeline.services.quotations import LineInput, create_quotation, request_approval

    quotation = create_quotation(db.session, deal, team["rep"],
                                 [LineInput(products[0].id, Decimal("1"), discount=Decimal("12"))], next_month)
    request_approval(db.session, quotation)
    db.session.commit()
    return quotation.id


def _count(db: Any, model: Any, *where: Any) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _flashes(client: Any) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


@pytest.mark.parametrize("second_approves", [True, False], ids=["approve-approve", "approve-refuse"])
def test_two_approvers_deciding_one_discount_at_once_leave_one_decision(db, deal, team, products, next_month,
                                                                        two_clients, second_approves):
    """R6.4.2: the supervisor and the manager decide at the same moment; one decision is recorded, the owner is
    told once, the quotation agrees with that decision, and the other approver reads why nothing happened."""
    from core.notifications.models import Notification
    from plugins.pipeline.models import DiscountDecision, Quotation

    _english(db, team["supervisor"], team["manager"])
    quotation_id = _pending_quotation(db, deal, team, products, next_month)
    url = f"/pipeline/quotations/{quotation_id}/decide"
    sup, mgr = two_clients(team["supervisor"], team["manager"])
    second = {"decision": "approve"} if second_approves else {"decision": "refuse", "reason": "低于成本"}

    outcome = race(lambda: sup.post(url, data={"decision": "approve"}), lambda: mgr.post(url, data=second))
    outcome.raise_errors()
    assert outcome.interleaved
    assert [r.status_code for r in outcome.results] == [302, 302]  # no 500: both go back to the quotation

    decisions = db.session.scalars(select(DiscountDecision).where(DiscountDecision.quotation_id == quotation_id)).all()
    assert len(decisions) == 1
    quotation = db.session.get(Quotation, quotation_id)
    if decisions[0].approved:
        assert (quotation.state, quotation.approved_by_id) == ("approved", decisions[0].decided_by_id)
    else:
        assert (quotation.state, quotation.approved_by_id) == ("draft", None)
    assert _count(db, Notification, Notification.recipient_id == team["rep"].id) == 1
    winner = sup if decisions[0].decided_by_id == team["supervisor"].id else mgr
    loser = mgr if winner is sup else sup
    assert any("approved" in m or "refused" in m for m in _flashes(winner))
    assert _flashes(loser) == ["Someone else decided on this discount a moment ago. Reload the quotation to see "
                               "the decision."]


# ---------------------------------------------------------------------------------------------------------------
# Every other transition: two people (or one person's two tabs) act on one record at once. Each scenario sets the
# record up, names the two POSTs, and says what exactly one of them may have left behind.


def _quotation(db: Any, deal: Any, team: Any, products: Any, next_month: Any, *, to: str = "draft",
               discount: str = "0") -> Any:
    from plugins.pipeline.services import quotations as q

    quotation = q.create_quotation(db.session, deal, team["rep"],
                                   [q.LineInput(products[0].id, Decimal("1"), discount=Decimal(discount))], next_month)
    if to in ("sent", "accepted"):
        q.mark_sent(db.session, quotation)
    if to == "accepted":
        q.record_response(db.session, quotation, True)
    db.session.commit()
    if to == "accepted":
        from plugins.pipeline.tests.conftest import sign_contract

        sign_contract(db, deal, team["rep"], f"HT-{quotation.id}")
    return quotation


def _order(db: Any, deal: Any, team: Any, products: Any, next_month: Any, *, to: str = "confirmed") -> Any:
    from plugins.pipeline.services import orders

    order = orders.order_from_quotation(db.session, _quotation(db, deal, team, products, next_month, to="accepted"),
                                        team["rep"])
    if to == "delivered":
        for status in ("shipped", "delivered"):
            orders.change_status(db.session, order, status, team["rep"], carrier="SF", tracking_number="SF1")
    db.session.commit()
    return order


def _count_of(db: Any, model: Any, **equal: Any) -> Any:
    return lambda: _count(db, model, *(getattr(model, key) == value for key, value in equal.items()))


def _changes_from_now(db: Any, table: str, record_id: int) -> Any:
    """How many times the record is written in the audit trail from now on (each transition is one entry)."""
    from core.audit.models import AuditLog

    mark = db.session.scalar(select(func.max(AuditLog.id))) or 0
    return lambda: _count(db, AuditLog, AuditLog.id > mark, AuditLog.table_name == table,
                          AuditLog.record_id == str(record_id))


def scenario_request_approval(db, deal, team, products, next_month):
    from core.notifications.models import Notification

    q = _quotation(db, deal, team, products, next_month, discount="12")
    url = f"/pipeline/quotations/{q.id}/request-approval"
    return ((team["rep"], url, {}), (team["rep"], url, {}),
            lambda: _count(db, Notification, Notification.recipient_id == team["supervisor"].id),
            "Someone else changed this quotation a moment ago. Reload it and try again.")


def scenario_send_quotation(db, deal, team, products, next_month):
    from core.notifications.models import EmailOutbox

    q = _quotation(db, deal, team, products, next_month)
    url = f"/pipeline/quotations/{q.id}/send"
    return ((team["rep"], url, {}), (team["rep"], url, {}), lambda: _count(db, EmailOutbox),
            "Someone else changed this quotation a moment ago. Reload it and try again.")


def scenario_customer_answer(db, deal, team, products, next_month):
    q = _quotation(db, deal, team, products, next_month, to="sent")
    url = f"/pipeline/quotations/{q.id}/response"
    return ((team["rep"], url, {"answer": "accept"}), (team["supervisor"], url, {"answer": "reject", "note": "贵"}),
            _changes_from_now(db, "pipeline_quotation", q.id), "Someone else changed this quotation a moment ago. Reload it and try again.")


def scenario_revise_quotation(db, deal, team, products, next_month):
    from plugins.pipeline.models import Quotation

    q = _quotation(db, deal, team, products, next_month)
    url = f"/pipeline/quotations/{q.id}/revise"
    data = {"valid_until": next_month.isoformat(), "lines-0-product_id": str(products[0].id),
            "lines-0-quantity": "2", "lines-0-discount": "0"}
    return ((team["rep"], url, data), (team["supervisor"], url, data),
            lambda: _count(db, Quotation, Quotation.number == q.number) - 1,
            "Someone else changed this quotation a moment ago. Reload it and try again.")


def scenario_order_from_quotation(db, deal, team, products, next_month):
    from plugins.pipeline.models import Order

    q = _quotation(db, deal, team, products, next_month, to="accepted")
    url = f"/pipeline/quotations/{q.id}/order"
    return ((team["rep"], url, {}), (team["supervisor"], url, {}), _count_of(db, Order, quotation_id=q.id),
            "This quotation became an order a moment ago. Reload it to see the order.")


def scenario_order_status(db, deal, team, products, next_month):
    from plugins.pipeline.models import OrderStatusChange

    order = _order(db, deal, team, products, next_month)
    url = f"/pipeline/orders/{order.id}/status"
    return ((team["rep"], url, {"status": "in_production"}), (team["supervisor"], url, {"status": "cancelled"}),
            lambda: _count(db, OrderStatusChange, OrderStatusChange.order_id == order.id,
                           OrderStatusChange.from_status.is_not(None)),
            "Someone else changed this order meanwhile. Reload it and try again.")


def scenario_follow_up(db, deal, team, products, next_month):
    from plugins.pipeline.models import FollowUp

    order = _order(db, deal, team, products, next_month, to="delivered")
    follow_up = db.session.scalar(select(FollowUp).where(FollowUp.order_id == order.id))
    url = f"/pipeline/follow-ups/{follow_up.id}/done"

    def notes() -> int:  # the note of exactly one of the two is kept
        db.session.expire_all()
        return int(db.session.get(FollowUp, follow_up.id).note in ("A", "B"))

    return ((team["rep"], url, {"note": "A"}), (team["supervisor"], url, {"note": "B"}), notes,
            "This follow-up was recorded already.")


def scenario_move_deal(db, deal, team, products, next_month):
    from plugins.pipeline.models import DealStageChange

    url = f"/pipeline/deals/{deal.id}/move"
    data = {"stage": "needs", "expected_version": str(deal.version)}
    return ((team["rep"], url, data), (team["supervisor"], url, data), _count_of(db, DealStageChange, deal_id=deal.id),
            f"“{deal.title}” was not moved: Someone else moved this deal meanwhile. Reload it and try again.")


def scenario_lose_deal(db, deal, team, products, next_month):
    url = f"/pipeline/deals/{deal.id}/lose"
    return ((team["rep"], url, {"reason": "预算取消"}), (team["supervisor"], url, {"reason": "选了别家"}),
            _changes_from_now(db, "pipeline_deal", deal.id),
            "Someone else changed this deal a moment ago. Reload it and try again.")


def scenario_reopen_deal(db, deal, team, products, next_month):
    from plugins.pipeline.services.stages import lose_deal

    lose_deal(db.session, deal, team["rep"], "预算取消")
    db.session.commit()
    url = f"/pipeline/deals/{deal.id}/reopen"
    return ((team["rep"], url, {}), (team["supervisor"], url, {}), _changes_from_now(db, "pipeline_deal", deal.id),
            "Someone else changed this deal a moment ago. Reload it and try again.")


def scenario_ticket_state(db, deal, team, products, next_month):
    from plugins.pipeline.services.tickets import open_ticket

    ticket = open_ticket(db.session, customer_id=deal.customer_id, kind="support", priority="normal",
                         subject="扫码枪无法连接", assignee_id=team["rep"].id)
    db.session.commit()
    url = f"/pipeline/tickets/{ticket.id}/state"
    return ((team["rep"], url, {"state": "resolved", "resolution": "换了数据线"}),
            (team["supervisor"], url, {"state": "in_progress"}),
            _changes_from_now(db, "pipeline_ticket", ticket.id),
            "Someone else changed this ticket a moment ago. Reload it and try again.")


def scenario_edit_and_move_deal(db, deal, team, products, next_month):
    """Not a transition, but the same row: an edit saved while someone moves the deal (it answered 500)."""
    url = f"/pipeline/deals/{deal.id}/edit"
    edit = {"title": "CRM 采购（二期）", "expected_value": "30000.00"}
    move = {"stage": "needs", "expected_version": str(deal.version)}
    return ((team["rep"], url, edit), (team["supervisor"], f"/pipeline/deals/{deal.id}/move", move),
            _changes_from_now(db, "pipeline_deal", deal.id),
            ("Someone else changed this deal a moment ago. Reload it and try again.",
             f"“{deal.title}” was not moved: Someone else moved this deal meanwhile. Reload it and try again."))


SCENARIOS = [scenario_request_approval, scenario_send_quotation, scenario_customer_answer, scenario_revise_quotation,
             scenario_order_from_quotation, scenario_order_status, scenario_follow_up, scenario_move_deal,
             scenario_lose_deal, scenario_reopen_deal, scenario_ticket_state, scenario_edit_and_move_deal]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__.removeprefix("scenario_"))
def test_of_two_concurrent_transitions_exactly_one_is_written(db, deal, team, products, next_month, two_clients,
                                                              scenario):
    _english(db, team["rep"], team["supervisor"])
    (user_a, url_a, data_a), (user_b, url_b, data_b), written, refusal = scenario(db, deal, team, products,
                                                                                 next_month)
    first, second = two_clients(user_a, user_b)
    outcome = race(lambda: first.post(url_a, data=data_a), lambda: second.post(url_b, data=data_b))
    outcome.raise_errors()
    assert outcome.interleaved
    statuses = [r.status_code for r in outcome.results]
    assert all(status in (302, 422) for status in statuses), statuses  # never a 500
    assert written() == 1
    # The other one is told why nothing happened: in a flash on the page it returns to, or on the form it shows.
    refusals = (refusal,) if isinstance(refusal, str) else refusal
    told = [any([text] == _flashes(client) or escape(text) in r.get_data(as_text=True) for text in refusals)
            for client, r in zip((first, second), outcome.results, strict=True)]
    assert sorted(told) == [False, True], (told, _flashes(first), _flashes(second))


def test_the_escalation_job_and_a_state_change_at_once_both_go_through(db, deal, team, make_app, two_clients):
    """R6.6.2: the overdue-ticket job marks a ticket escalated while its assignee resolves it; the job must not
    fail on the ticket's version (it writes escalated_at only, once), and the resolution is kept."""
    from datetime import timedelta

    from core.extensions import db as database
    from core.notifications.models import Notification
    from core.timeutil import utcnow
    from plugins.pipeline.models import Ticket
    from plugins.pipeline.services.tickets import escalate_overdue, open_ticket

    ticket = open_ticket(db.session, customer_id=deal.customer_id, kind="complaint", priority="urgent",
                         subject="发货错误", assignee_id=team["rep"].id)
    ticket.sla_due_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    job_app, url = make_app(), f"/pipeline/tickets/{ticket.id}/state"
    rep = two_clients(team["rep"], team["rep"])[0]

    def job() -> int:
        with job_app.app_context():
            escalated = escalate_overdue(database.session)
            database.session.commit()
            return escalated

    outcome = race(job, lambda: rep.post(url, data={"state": "resolved", "resolution": "已补发"}))
    outcome.raise_errors()
    assert outcome.interleaved
    assert outcome.results[0] == 1 and outcome.results[1].status_code == 302
    db.session.expire_all()
    saved = db.session.scalar(select(Ticket))
    assert (saved.state, saved.escalated_at is not None) == ("resolved", True)
    assert _count(db, Notification, Notification.recipient_id == team["supervisor"].id) == 1


def test_two_api_moves_of_one_deal_at_once_give_one_move_and_a_409(db, deal, team, make_app):
    """The API's move: the loser gets 409 with the message, and no stage change of its own is recorded."""
    from core.api.tokens import create_token
    from plugins.pipeline.models import DealStageChange

    _english(db, team["rep"], team["supervisor"])
    headers = []
    for user in (team["rep"], team["supervisor"]):
        _row, secret = create_token(db.session, user.id, "race", None)
        headers.append({"Authorization": f"Bearer {secret}"})
    db.session.commit()
    url, body = f"/api/v1/pipeline/deals/{deal.id}/move", {"stage": "needs", "expected_version": deal.version}
    clients = [make_app().test_client(), make_app().test_client()]
    outcome = race(*(lambda c=c, h=h: c.post(url, json=body, headers=h) for c, h in zip(clients, headers,
                                                                                       strict=True)))
    outcome.raise_errors()
    assert outcome.interleaved
    answers = sorted((r.status_code, r.get_json()) for r in outcome.results)
    assert [status for status, _body in answers] == [200, 409]
    assert answers[1][1] == {"error": {"status": 409,
                                       "message": "Someone else moved this deal meanwhile. Reload it and try again."}}
    assert _count(db, DealStageChange, DealStageChange.deal_id == deal.id) == 1


def test_two_contracts_with_one_number_at_once_record_one(db, deal, team, two_clients):
    """R6.5.1: the unique contract number checked and written by two people at once: one contract, and the other
    form says the number is taken (it answered 500)."""
    from plugins.pipeline.models import Contract

    _english(db, team["rep"], team["supervisor"])
    url = f"/pipeline/deals/{deal.id}/contract"
    data = {"number": "HT-2026-001", "signed_on": "2026-12-01"}
    first, second = two_clients(team["rep"], team["supervisor"])
    outcome = race(lambda: first.post(url, data=data), lambda: second.post(url, data=data))
    outcome.raise_errors()
    assert outcome.interleaved
    assert sorted(r.status_code for r in outcome.results) == [302, 422]
    refused = next(r for r in outcome.results if r.status_code == 422).get_data(as_text=True)
    assert "Another contract already has this number." in refused
    assert _count(db, Contract) == 1


def test_two_quotations_created_at_once_get_two_numbers(db, deal, team, products, next_month, make_app):
    """A load test found the second of two simultaneous quotations failing on the unique number (HTTP 500): it
    now takes the next number."""
    from plugins.pipeline.models import Quotation
    from plugins.pipeline.services.quotations import LineInput, create_quotation

    deal_id, owner_id, product_id = deal.id, team["rep"].id, products[0].id  # read here, not in the threads

    def create(app: Any) -> str:
        with app.app_context():
            from core.extensions import db as app_db
            from core.identity.models import User
            from plugins.pipeline.models import Deal

            quotation = create_quotation(app_db.session, app_db.session.get(Deal, deal_id),
                                         app_db.session.get(User, owner_id),
                                         [LineInput(product_id, Decimal("1"), None, Decimal("0"))], next_month)
            app_db.session.commit()
            return quotation.number

    first, second = make_app(), make_app()
    outcome = race(lambda: create(first), lambda: create(second))
    outcome.raise_errors()
    assert sorted(outcome.results) == sorted({*outcome.results}) and len(set(outcome.results)) == 2
    assert _count(db, Quotation) == 2
