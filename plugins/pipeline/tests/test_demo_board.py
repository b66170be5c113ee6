"""The demo company's board (issue 12: "won deals leave the board so 售后服务 is always empty"): won deals whose
after-sales tickets are open stay in the after-sales column (R6.6), each reached through its order (R6.5)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from core.testing.demo import demo_company as load_demo_company


@pytest.fixture(scope="module")
def demo_company(shared_app: Flask) -> Iterator[Flask]:
    """The shared app with the demo company in its database, once for this module; the baseline comes back after."""
    with load_demo_company(shared_app, 20261204) as app:
        yield app


def test_the_demo_boards_after_sales_column_shows_won_deals_with_open_tickets(demo_company):
    from core.auth.sessions import new_session_identity
    from core.extensions import db
    from core.identity.models import User
    from plugins.pipeline.models import Deal, Order, Ticket

    client = demo_company.test_client()
    with demo_company.app_context():
        identity = new_session_identity(db.session.scalar(select(User).where(User.login == "manager")))
        db.session.commit()
        db.session.remove()
    with client.session_transaction() as session:
        session["_user_id"] = identity
        session["_fresh"] = True
    html = client.get("/pipeline/board").get_data(as_text=True)
    column = re.search(r'data-stage="after_sales".*?</section>', html, re.S).group(0)
    shown = [int(i) for i in re.findall(r'data-deal="(\d+)"', column)]
    assert shown, "the after-sales column is empty"
    with demo_company.app_context():
        serviced = set(db.session.scalars(
            select(Order.deal_id).join(Ticket, Ticket.order_id == Order.id)
            .where(Ticket.state.in_(("open", "in_progress")), Order.deal_id.in_(shown))))
        statuses = {d: db.session.get(Deal, d).status for d in shown}
        db.session.remove()
    assert all(status == "open" or (status == "won" and d in serviced) for d, status in statuses.items())
    assert "won" in statuses.values()
