"""The board's statements are built once per process with the user's scope, the owner and the column pages as
parameters (views/deals.py board_statements, issue 18): each user still sees exactly the deals core.security.scoped
gives them, whatever statement an earlier user's request built."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.security import scoped
from plugins.pipeline.models import STAGES, Deal
from plugins.pipeline.views.deals import board_statements


@pytest.fixture
def deals(db, team, customer, make_user):
    """Open, won and lost deals of the representative, of a teammate and of someone outside the team."""
    outsider = make_user("rep-far", roles=["sales_rep"], position="sales_rep", superior_id=team["manager"].id)
    rows = []
    for n, owner in enumerate((team["rep"], team["other"], outsider)):
        for i, status in enumerate(("open", "open", "won", "lost") * 3):
            rows.append(Deal(title=f"D{n}-{i}", customer_id=customer.id, owner_id=owner.id, stage=STAGES[i % 6],
                             status=status, expected_value=Decimal(100 * i), version=1))
    db.session.add_all(rows)
    db.session.commit()
    return rows


def shown(client, url: str) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    return {int(i) for i in re.findall(r'data-deal="(\d+)"', response.get_data(as_text=True))}


def expected(db, user, status: str, owner_id: int | None = None) -> set[int]:
    stmt = scoped(select(Deal.id), Deal, "pipeline.deal.view", user).where(Deal.status == status)
    if owner_id:
        stmt = stmt.where(Deal.owner_id == owner_id)
    return set(db.session.scalars(stmt))


@pytest.mark.parametrize("who", ["rep", "supervisor", "manager"])
@pytest.mark.parametrize("show", ["open", "won", "lost"])
def test_each_user_sees_the_deals_of_their_scope(client, login_as, db, team, deals, who, show):
    for user in ("rep", "supervisor", "manager"):  # every scope's statements built before the user's request
        login_as(team[user])
        client.get(f"/pipeline/board?show={show}")
    login_as(team[who])
    assert shown(client, f"/pipeline/board?show={show}") == expected(db, team[who], show)
    other = team["other"].id
    assert shown(client, f"/pipeline/board?show={show}&owner={other}") == expected(db, team[who], show, other)


def test_the_statements_are_built_once(client, login_as, team, deals):
    login_as(team["supervisor"])
    client.get("/pipeline/board")
    built = board_statements.cache_info().currsize
    client.get("/pipeline/board?page_needs=2")  # another page of a column: parameters, not a new statement
    assert board_statements.cache_info().currsize == built
