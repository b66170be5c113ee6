"""Sales by channel and shop (R7.1.1): a hand-counted fixture, read live and from the summary, as each role sees it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from plugins.analytics.services import sales
from plugins.analytics.services.catalogue import find_dataset


@pytest.fixture
def shop_orders(db, team, shop):
    """In March 2026 (local): rep sold 100.10 in 天猫旗舰店 and 250.50 + 49.40 in 天猫专卖店 (Tmall), 300.00 in
    京东自营店 (JD) and 80.00 directly (no shop); rep2 sold 1,000.00 in 天猫旗舰店. Not counted: a cancelled order,
    and an order at 00:30 on 1 April local time (16:30 UTC on 31 March)."""
    rep, other = team["rep"], team["other"]
    placed = [(rep, "tmall", "天猫旗舰店", datetime(2026, 3, 2, 4), "100.10", "confirmed"),
              (rep, "tmall", "天猫专卖店", datetime(2026, 3, 3, 4), "250.50", "completed"),
              (rep, "tmall", "天猫专卖店", datetime(2026, 3, 31, 15, 59), "49.40", "confirmed"),
              (rep, "jd", "京东自营店", datetime(2026, 3, 4, 4), "300.00", "confirmed"),
              (rep, "direct", None, datetime(2026, 3, 5, 4), "80.00", "confirmed"),
              (other, "tmall", "天猫旗舰店", datetime(2026, 3, 6, 4), "1000.00", "confirmed"),
              (rep, "jd", "京东自营店", datetime(2026, 3, 7, 4), "999.00", "cancelled"),
              (rep, "jd", "京东自营店", datetime(2026, 3, 31, 16, 30), "777.00", "confirmed")]
    for owner, channel, name, at, amount, status in placed:
        order = shop.order(shop.customer(owner), owner, at, [("扫码枪", "hardware", amount)], channel=channel,
                           status=status)
        order.shop = name
    db.session.commit()


MARCH = (date(2026, 3, 1), date(2026, 4, 1))


def _by_shop(user, live):
    dataset = find_dataset("pipeline.order_lines", user)
    return [(r.channel, r.shop, r.revenue) for r in sales.revenue_by_shop(dataset, user, *MARCH, live=live)]


@pytest.mark.parametrize("live", [True, False])
def test_revenue_by_shop_on_a_hand_counted_fixture(app, db, team, shop_orders, live):
    from plugins.analytics.services.summary import rebuild

    with app.test_request_context():
        if not live:
            rebuild(db.session)
        assert _by_shop(team["manager"], live) == [
            ("tmall", "天猫旗舰店", Decimal("1100.10")), ("jd", "京东自营店", Decimal("300.00")),
            ("tmall", "天猫专卖店", Decimal("299.90")), ("direct", None, Decimal("80.00"))]
        # A representative sees their own shops' sales only; the supervisor the team's (rep and rep2).
        assert _by_shop(team["rep"], live) == [
            ("jd", "京东自营店", Decimal("300.00")), ("tmall", "天猫专卖店", Decimal("299.90")),
            ("tmall", "天猫旗舰店", Decimal("100.10")), ("direct", None, Decimal("80.00"))]
        assert _by_shop(team["supervisor"], live) == _by_shop(team["manager"], live)
        assert _by_shop(team["outsider"], live) == []


def test_the_sales_page_shows_shops_by_their_names_and_channels_by_their_labels(app, db, team, shop_orders,
                                                                                login_as):
    html = login_as(team["manager"]).get("/analytics/?year=2026&start=2026-03-01&end=2026-03-31").get_data(
        as_text=True)
    section = html[html.index("各网店销售额"):html.index("销售代表目标完成情况")]
    assert "天猫旗舰店" in section and "¥1,100.10" in section
    assert "天猫专卖店" in section and "¥299.90" in section
    assert "非网店订单" in section and "¥80.00" in section  # the direct sale: no shop, said in words
    assert "天猫" in section and "京东" in section and ">tmall<" not in section and ">direct<" not in section
    assert "¥777.00" not in section and "¥999.00" not in section
    assert "row2=shop" in section  # its explore-and-export link groups by channel and shop
