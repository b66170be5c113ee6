"""The discount approval queue and the targets page are real paginated lists (core.web.listing): every waiting
quotation and every representative can be reached, a page at a time, with search."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import insert

from core.timeutil import local_today
from plugins.pipeline.models import Quotation


def html(response) -> str:
    return response.get_data(as_text=True)


def waiting_quotations(db, deal, owner, n: int, start: int = 0) -> list[str]:
    """``n`` quotations waiting for a supervisor's approval, oldest first; their numbers."""
    from datetime import datetime, timedelta

    numbers = [f"Q-WAIT-{start + i:03d}" for i in range(n)]
    db.session.execute(insert(Quotation), [
        {"number": number, "revision": 1, "deal_id": deal.id, "owner_id": owner.id, "state": "pending_approval",
         "approval_level": "supervisor", "max_discount": Decimal("10"), "valid_until": local_today(),
         "created_at": datetime(2026, 1, 1) + timedelta(minutes=start + i)} for i, number in enumerate(numbers)])
    db.session.commit()
    return numbers


def test_the_approval_queue_reaches_every_waiting_quotation_page_by_page(client, login_as, db, deal, team):
    numbers = waiting_quotations(db, deal, team["rep"], 5)
    login_as(team["supervisor"])
    first = html(client.get("/pipeline/approvals?per_page=2"))
    assert numbers[0] in first and numbers[1] in first and numbers[2] not in first  # oldest first
    last = html(client.get("/pipeline/approvals?per_page=2&page=3"))
    assert numbers[4] in last and numbers[3] not in last
    assert "1–2" in first and "5" in first  # the summary: which rows of how many
    found = html(client.get(f"/pipeline/approvals?q={numbers[3]}"))
    assert numbers[3] in found and numbers[0] not in found


def test_the_approval_queue_is_no_longer_capped_at_200(client, login_as, db, deal, team):
    numbers = waiting_quotations(db, deal, team["rep"], 205)
    login_as(team["supervisor"])
    last = html(client.get("/pipeline/approvals?per_page=100&page=3"))
    assert numbers[204] in last and numbers[199] not in last


def test_the_approval_queue_shows_no_other_teams_quotations(client, login_as, db, deal, team, make_user):
    waiting_quotations(db, deal, team["rep"], 2)
    boss = make_user("sup9", roles=["sales_supervisor"], position="sales_supervisor", superior_id=team["manager"].id)
    login_as(boss)
    assert "Q-WAIT-" not in html(client.get("/pipeline/approvals"))


def test_the_targets_page_lists_representatives_a_page_at_a_time(client, login_as, db, team):
    from plugins.pipeline.services.targets import set_target

    year = local_today().year
    set_target(db.session, year=year, amount=Decimal("10000"), set_by=team["manager"])
    set_target(db.session, year=year, user_id=team["other"].id, amount=Decimal("4321"), set_by=team["supervisor"])
    db.session.commit()
    login_as(team["manager"])
    names = sorted([team["rep"].name, team["other"].name])
    first = html(client.get(f"/pipeline/targets?year={year}&per_page=1"))
    second = html(client.get(f"/pipeline/targets?year={year}&per_page=1&page=2"))
    assert (names[0] in first) and (names[1] in second)
    table_of = {names[0]: first, names[1]: second}
    assert "4,321" in table_of[team["other"].name].split("<tbody>", 1)[1]  # the rep's own year target, on their page
    for page in (first, second):  # the company's breakdown covers every representative, whatever the page
        assert "4,321" in page.split("<table", 1)[0]
    found = html(client.get(f"/pipeline/targets?year={year}&q={team['other'].name}"))
    rows = found.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert rows.count("<tr>") == 1 and f">{team['other'].name}<" in rows
