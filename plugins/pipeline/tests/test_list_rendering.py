"""What the list pages' cheaper rendering must keep (issue 6): row links built from a prefix go where url_for went,
amounts read the same as the money filter, and the owner filter offers (and accepts) the user's scope only, with
its statement built once for every user."""

from __future__ import annotations

import re
from decimal import Decimal

from plugins.pipeline.models import Order, Quotation


def html(response) -> str:
    return response.get_data(as_text=True)


def owner_options(page: str) -> set[str]:
    select = re.search(r'<select id="filter-owner".*?</select>', page, re.S).group(0)
    return set(re.findall(r'<option value="(\d+)"', select))


def test_row_links_point_at_each_record(client, login_as, db, team, deal, customer, next_month):
    order = Order(number="SO-77", customer_id=customer.id, owner_id=team["rep"].id, total=Decimal("1234.5"))
    quotation = Quotation(number="Q-77", revision=1, deal_id=deal.id, owner_id=team["rep"].id,
                          state="pending_approval", approval_level="supervisor", max_discount=Decimal("12"),
                          total=Decimal("1000"), valid_until=next_month)
    db.session.add_all([order, quotation])
    db.session.commit()
    login_as(team["supervisor"])
    assert f'<a href="/pipeline/deals/{deal.id}">CRM 采购</a>' in html(client.get("/pipeline/deals"))
    orders = html(client.get("/pipeline/orders"))
    assert f'<a href="/pipeline/orders/{order.id}">SO-77</a>' in orders
    assert "¥1,234.50" in orders
    queue = html(client.get("/pipeline/approvals"))
    assert f'<a href="/pipeline/quotations/{quotation.id}">Q-77 r1</a>' in queue
    assert f'action="/pipeline/quotations/{quotation.id}/decide"' in queue


def test_the_owner_filter_offers_the_users_scope(client, login_as, make_user, team):
    outsider = make_user("rep9", roles=["sales_rep"], position="sales_rep", superior_id=team["manager"].id)
    login_as(team["rep"])
    assert owner_options(html(client.get("/pipeline/deals"))) == {str(team["rep"].id)}
    login_as(team["supervisor"])
    page = html(client.get("/pipeline/deals"))
    assert owner_options(page) == {str(team[k].id) for k in ("supervisor", "rep", "other")}
    refused = html(client.get(f"/pipeline/deals?owner={outsider.id}"))
    assert "is not a valid value for" in refused or "不是" in refused
    login_as(team["manager"])
    assert owner_options(html(client.get("/pipeline/deals"))) >= {str(outsider.id), str(team["manager"].id)}


def test_money_texts_read_as_the_money_filter_even_for_negative_zero(app):
    from core.web.locale import money
    from plugins.pipeline.views.common import MoneyTexts

    with app.test_request_context():
        texts = MoneyTexts()
        for amount in (Decimal("5900"), Decimal("5900.00"), Decimal("0"), Decimal("-0.00"), Decimal("-12.345"), None,
                       Decimal("-0.004"), 0, 1, Decimal("0E+3")):
            assert texts[amount] == money(amount)
        assert texts[Decimal("-0")] == texts[Decimal("0")] == "¥0.00"  # no minus sign on a zero (issue 11 F4)
        fresh = MoneyTexts()  # a negative zero first, then the zero it equals as a key
        assert fresh[Decimal("-0.00")] == fresh[Decimal("0")] == money(Decimal("0")) == "¥0.00"
