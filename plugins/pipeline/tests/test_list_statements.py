"""The discount approval queue's, the quotation list's, the order list's and the deal list's statements are built
once per process with the user's id and scope as parameters (views/quotations.py approval_statements and
quotation_statements, views/orders.py order_statements, views/deals.py deal_statements and forecast_statement,
issue 18): each user still sees exactly the rows core.security.scoped gives them, in the order and pages ListQuery
gave, whatever statement an earlier user's request built; a search, a filter or a narrowing still finds within the
scope only."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from core.security import scoped
from core.timeutil import local_today
from plugins.pipeline.models import Deal, Order, Quotation
from plugins.pipeline.views.orders import order_statements
from plugins.pipeline.views.quotations import approval_statements, quotation_statements


@pytest.fixture
def waiting(db, team, customer, make_user):
    """Waiting quotations on deals of the representative, a teammate, the supervisor and someone outside the team,
    with discounts, totals and creation times that sort differently."""
    outsider = make_user("rep-far", roles=["sales_rep"], position="sales_rep", superior_id=team["manager"].id)
    owners = (team["rep"], team["other"], team["supervisor"], outsider)
    deals = [Deal(title=f"D{n}", customer_id=customer.id, owner_id=owner.id, expected_value=Decimal("100"))
             for n, owner in enumerate(owners)]
    db.session.add_all(deals)
    db.session.flush()
    rows = []
    for i in range(24):
        deal, owner = deals[i % 4], owners[i % 4]
        rows.append({"number": f"QA-{i:03d}", "revision": 1, "deal_id": deal.id, "owner_id": owner.id,
                     "state": "pending_approval" if i % 6 else "draft",
                     "approval_level": ("supervisor", "manager", None)[i % 3], "max_discount": Decimal(10 + i % 5),
                     "total": Decimal(1000 + (i * 37) % 11 * 10), "valid_until": local_today(),
                     "created_at": datetime(2026, 1, 1) + timedelta(minutes=(i * 7) % 24)})
    db.session.execute(insert(Quotation), rows)
    db.session.commit()


def numbers(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return re.findall(r">(QA-\d+) r1</a>", response.get_data(as_text=True))


def expected(db, user, order_by, q: str = "") -> list[str]:
    stmt = scoped(select(Quotation.number).join(Deal, Deal.id == Quotation.deal_id), Deal, "pipeline.deal.view",
                  user).where(Quotation.state == "pending_approval", Quotation.owner_id != user.id)
    if q:
        stmt = stmt.where(Quotation.number.contains(q))
    return list(db.session.scalars(stmt.order_by(*order_by)))


SORTS = {"": (Quotation.created_at, Quotation.id), "-discount": (Quotation.max_discount.desc(), Quotation.id.desc()),
         "total": (Quotation.total, Quotation.id)}


def reused(cached, request) -> bool:
    """Whether ``request()`` ran statements ``cached`` (a functools cache) had built, and built none: the page's
    statements were taken from it at least once, and it holds as many as before."""
    before = cached.cache_info()
    request()
    after = cached.cache_info()
    return before.currsize >= 1 and after.currsize == before.currsize and after.hits > before.hits


def opened_by_everyone(client, login_as, team, url: str, users=("rep", "supervisor", "manager")) -> None:
    """``url`` opened by each of ``users``: every scope's statements are built before the request under test."""
    for user in users:
        login_as(team[user])
        client.get(url)


def every_page(client, read, url: str, rows: int, per_page: int) -> list[str]:
    """What ``read`` finds on each page of the list at ``url`` (``rows`` of them), in order; a page past the end
    shows the last one."""
    last = -(-rows // per_page)
    pages = [read(client, f"{url}&per_page={per_page}&page={n}") for n in range(1, last + 1)]
    assert read(client, f"{url}&per_page={per_page}&page=99") == pages[-1]  # past the end
    return [item for page in pages for item in page]


@pytest.mark.parametrize("who", ["supervisor", "manager"])
@pytest.mark.parametrize("sort", list(SORTS))
def test_each_approver_sees_the_waiting_quotations_of_their_scope(client, login_as, db, team, waiting, who, sort):
    opened_by_everyone(client, login_as, team, f"/pipeline/approvals?sort={sort}", ("supervisor", "manager"))
    login_as(team[who])
    wanted = expected(db, team[who], SORTS[sort])
    assert wanted  # something to compare
    assert every_page(client, numbers, f"/pipeline/approvals?sort={sort}", len(wanted), 4) == wanted
    assert numbers(client, f"/pipeline/approvals?sort={sort}&q=QA-01") == expected(db, team[who], SORTS[sort], "QA-01")


def test_the_statements_are_built_once(client, login_as, team, waiting):
    login_as(team["supervisor"])
    client.get("/pipeline/approvals")
    # Another page: parameters, not a new statement.
    assert reused(approval_statements, lambda: client.get("/pipeline/approvals?page=2&per_page=5"))


@pytest.fixture
def orders(db, team, customer, deal, make_user):
    """Orders of the representative (some of the deal's), a teammate, the supervisor and someone outside the team."""
    outsider = make_user("rep-far", roles=["sales_rep"], position="sales_rep", superior_id=team["manager"].id)
    owners = (team["rep"], team["other"], team["supervisor"], outsider)
    db.session.execute(insert(Order), [
        {"number": f"SO-{i:03d}", "customer_id": customer.id, "owner_id": owners[i % 4].id,
         "deal_id": deal.id if i % 3 == 0 else None, "status": ("confirmed", "completed")[i % 2],
         "channel": ("direct", "tmall", "jd")[i % 3], "total": Decimal(100 + (i * 37) % 11 * 10),
         "ordered_at": datetime(2026, 1, 1) + timedelta(hours=(i * 7) % 32)} for i in range(32)])
    db.session.commit()


def order_numbers(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return re.findall(r'>(SO-\d+)</a>', response.get_data(as_text=True))


def expected_orders(db, user, order_by, *conditions) -> list[str]:
    stmt = scoped(select(Order.number), Order, "pipeline.order.view", user).where(*conditions)
    return list(db.session.scalars(stmt.order_by(*order_by)))


ORDER_SORTS = {"": (Order.ordered_at.desc(), Order.id.desc()), "total": (Order.total, Order.id),
               "-number": (Order.number.desc(), Order.id.desc())}


@pytest.mark.parametrize("who", ["rep", "supervisor", "manager"])
@pytest.mark.parametrize("sort", list(ORDER_SORTS))
def test_each_user_sees_the_orders_of_their_scope(client, login_as, db, team, deal, orders, who, sort):
    opened_by_everyone(client, login_as, team, f"/pipeline/orders?sort={sort}")
    login_as(team[who])
    wanted = expected_orders(db, team[who], ORDER_SORTS[sort])
    assert every_page(client, order_numbers, f"/pipeline/orders?sort={sort}", len(wanted), 5) == wanted
    # A search, a filter and a narrowing build their statements, with the same scope.
    assert order_numbers(client, f"/pipeline/orders?sort={sort}&q=SO-01") == expected_orders(
        db, team[who], ORDER_SORTS[sort], Order.number.contains("SO-01"))
    assert order_numbers(client, f"/pipeline/orders?sort={sort}&status=completed&per_page=100") == expected_orders(
        db, team[who], ORDER_SORTS[sort], Order.status == "completed")
    assert order_numbers(client, f"/pipeline/orders?sort={sort}&deal={deal.id}&per_page=100") == expected_orders(
        db, team[who], ORDER_SORTS[sort], Order.deal_id == deal.id)


def test_the_order_statements_are_built_once(client, login_as, team, orders):
    login_as(team["rep"])
    client.get("/pipeline/orders")
    # Another page: parameters, not a new statement.
    assert reused(order_statements, lambda: client.get("/pipeline/orders?page=2&per_page=5"))


@pytest.mark.parametrize("who", ["rep", "supervisor"])
def test_the_order_export_and_grouping_keep_the_scope(client, login_as, db, team, deal, orders, who):
    """An export and a grouped page build their statements from the one built once: the scope's parameters bound."""
    login_as(team[who])
    exported = client.get("/pipeline/orders?export=csv")
    assert exported.status_code == 200
    assert sorted(re.findall(r"SO-\d+", exported.get_data(as_text=True))) == sorted(
        expected_orders(db, team[who], ORDER_SORTS[""]))
    grouped = client.get("/pipeline/orders?group=status").get_data(as_text=True)
    shown = dict(re.findall(r'status=(\w+)">[^<]*</a></th>\s*<td class="num"[^>]*>(\d+)</td>', grouped))
    counts = {status: len(expected_orders(db, team[who], ORDER_SORTS[""], Order.status == status))
              for status in ("confirmed", "completed")}
    assert shown == {status: str(count) for status, count in counts.items() if count}  # a group a status held


def quotation_list(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return re.findall(r">(QA-\d+) (?:revision 1|第 1 版)</a>", response.get_data(as_text=True))


def expected_quotations(db, user, order_by, *conditions) -> list[str]:
    stmt = scoped(select(Quotation.number).join(Deal, Deal.id == Quotation.deal_id), Deal, "pipeline.deal.view",
                  user).where(*conditions)
    return list(db.session.scalars(stmt.order_by(*order_by)))


QUOTATION_SORTS = {"": (Quotation.created_at.desc(), Quotation.id.desc()), "total": (Quotation.total, Quotation.id),
                   "-number": (Quotation.number.desc(), Quotation.id.desc()),
                   "valid": (Quotation.valid_until, Quotation.id)}


@pytest.mark.parametrize("who", ["rep", "supervisor", "manager"])
@pytest.mark.parametrize("sort", list(QUOTATION_SORTS))
def test_each_user_sees_the_quotations_of_their_scope(client, login_as, db, team, waiting, who, sort):
    """The quotation list (every state, not only those waiting): the plain page's statements built once, a search,
    a filter and a narrowing built as before, all within the user's deal scope."""
    opened_by_everyone(client, login_as, team, f"/pipeline/quotations?sort={sort}")
    login_as(team[who])
    wanted = expected_quotations(db, team[who], QUOTATION_SORTS[sort])
    assert wanted
    assert every_page(client, quotation_list, f"/pipeline/quotations?sort={sort}", len(wanted), 4) == wanted
    assert quotation_list(client, f"/pipeline/quotations?sort={sort}&q=QA-01") == expected_quotations(
        db, team[who], QUOTATION_SORTS[sort], Quotation.number.contains("QA-01"))
    assert quotation_list(client, f"/pipeline/quotations?sort={sort}&state=draft") == expected_quotations(
        db, team[who], QUOTATION_SORTS[sort], Quotation.state == "draft")
    deal_id = db.session.scalar(select(Deal.id).where(Deal.owner_id == team["other"].id))
    assert quotation_list(client, f"/pipeline/quotations?sort={sort}&deal={deal_id}") == expected_quotations(
        db, team[who], QUOTATION_SORTS[sort], Quotation.deal_id == deal_id)


def test_the_quotation_statements_are_built_once(client, login_as, team, waiting):
    login_as(team["supervisor"])
    client.get("/pipeline/quotations")
    # Another page: parameters, not a new statement.
    assert reused(quotation_statements, lambda: client.get("/pipeline/quotations?page=2&per_page=5"))


@pytest.mark.parametrize("url", ["/pipeline/quotations", "/pipeline/quotations?sort=total&page=2&per_page=5",
                                 "/pipeline/quotations?q=QA-01", "/pipeline/quotations?state=draft"])
def test_the_quotation_list_reads_its_rows_in_two_statements(client, login_as, team, waiting, count_queries, url):
    """The count and the page of rows, as the list made them before its statements were built once; the count
    alone when nothing matches."""
    login_as(team["supervisor"])
    client.get(url)
    with count_queries() as run:
        assert client.get(url).status_code == 200
    assert len([s for s in run if "pipeline_quotation" in s]) == 2, "\n".join(run)
    with count_queries() as run:
        assert client.get("/pipeline/quotations?q=nothing-matches").status_code == 200
    assert len([s for s in run if "pipeline_quotation" in s]) == 1, "\n".join(run)


@pytest.fixture
def deals(db, team, customer, make_user):
    """Deals of the representative, a teammate, the supervisor and someone outside the team, in every stage and
    status, with values and dates that sort differently."""
    from plugins.pipeline.models import STAGES

    outsider = make_user("rep-far", roles=["sales_rep"], position="sales_rep", superior_id=team["manager"].id)
    owners = (team["rep"], team["other"], team["supervisor"], outsider)
    db.session.execute(insert(Deal), [
        {"title": f"DL-{i:03d}", "customer_id": customer.id, "owner_id": owners[i % 4].id, "stage": STAGES[i % 6],
         "status": ("open", "open", "won", "lost", "open")[i % 5], "expected_value": Decimal(1000 + (i * 37) % 11 * 10),
         "version": 1, "created_at": datetime(2026, 1, 1) + timedelta(minutes=(i * 7) % 36)} for i in range(36)])
    db.session.commit()


def deal_titles(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return re.findall(r">(DL-\d+)</a>", response.get_data(as_text=True))


def expected_deals(db, user, order_by, *conditions) -> list[str]:
    stmt = scoped(select(Deal.title), Deal, "pipeline.deal.view", user).where(*conditions)
    return list(db.session.scalars(stmt.order_by(*order_by)))


def expected_forecast(db, user, *conditions) -> tuple[Decimal, Decimal]:
    from plugins.pipeline.services.stages import DEFAULT_PROBABILITY

    rows = db.session.execute(scoped(select(Deal.expected_value, Deal.stage), Deal, "pipeline.deal.view", user)
                              .where(*conditions)).all()
    return (sum((value for value, _stage in rows), Decimal("0")),
            sum((value * DEFAULT_PROBABILITY[stage] / 100 for value, stage in rows), Decimal("0")))


DEAL_SORTS = {"": (Deal.created_at.desc(), Deal.id.desc()), "value": (Deal.expected_value, Deal.id),
              "-title": (Deal.title.desc(), Deal.id.desc())}


@pytest.mark.parametrize("who", ["rep", "supervisor", "manager"])
@pytest.mark.parametrize("sort", list(DEAL_SORTS))
def test_each_user_sees_the_deals_and_forecast_of_their_scope(client, login_as, db, team, customer, deals, who,
                                                              sort):
    """The deal list as it opens runs statements built once (deals.deal_statements, forecast_statement); a search,
    a filter and a narrowing build theirs: the same deals and forecast as core.security.scoped gives, page by page."""
    from plugins.pipeline.views.deals import deal_listing

    opened_by_everyone(client, login_as, team, f"/pipeline/deals?sort={sort}")
    login_as(team[who])
    wanted = expected_deals(db, team[who], DEAL_SORTS[sort])
    assert every_page(client, deal_titles, f"/pipeline/deals?sort={sort}", len(wanted), 5) == wanted
    assert deal_titles(client, f"/pipeline/deals?sort={sort}&q=DL-01") == expected_deals(
        db, team[who], DEAL_SORTS[sort], Deal.title.contains("DL-01"))
    assert deal_titles(client, f"/pipeline/deals?sort={sort}&stage=needs&per_page=100") == expected_deals(
        db, team[who], DEAL_SORTS[sort], Deal.stage == "needs")
    assert deal_titles(client, f"/pipeline/deals?sort={sort}&customer={customer.id}&per_page=100") == expected_deals(
        db, team[who], DEAL_SORTS[sort], Deal.customer_id == customer.id)
    # The forecast above the list: the plain page's statement built once, a filtered page's from its select.
    with client.application.test_request_context("/pipeline/deals"):
        from flask_login import login_user

        login_user(team[who])
        listing = deal_listing(team[who], [])
        total, weighted = expected_forecast(db, team[who])
        assert listing.forecast({}) == (total.quantize(Decimal("0.01")), weighted.quantize(Decimal("0.01")))
        total, weighted = expected_forecast(db, team[who], Deal.status == "open")
        assert listing.forecast({"status": "open"}) == (total.quantize(Decimal("0.01")),
                                                        weighted.quantize(Decimal("0.01")))


def test_the_deal_statements_are_built_once(client, login_as, team, deals):
    from plugins.pipeline.views.deals import deal_statements, forecast_statement

    login_as(team["supervisor"])
    client.get("/pipeline/deals")
    assert reused(deal_statements, lambda: client.get("/pipeline/deals?page=2&per_page=5"))
    assert reused(forecast_statement, lambda: client.get("/pipeline/deals?page=3&per_page=5"))
