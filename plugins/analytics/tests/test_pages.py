"""The analytics pages as each role opens them: labels not codes, exports, bad input, fixed statement counts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from io import BytesIO

import pytest


@pytest.fixture
def orders(db, team, shop):
    for i in range(3):
        customer = shop.customer(team["rep"])
        shop.order(customer, team["rep"], datetime(2026, 2, 1 + i, 4), [("扫码枪", "hardware", "399.00")],
                   channel="tmall")
        shop.order(customer, team["rep"], datetime(2026, 3, 1 + i, 4), [("网销 CRM 年费", "software", "19800.00")],
                   channel="jd")
    db.session.commit()


@pytest.mark.parametrize("path", ["/analytics/", "/analytics/?year=2026", "/analytics/customers?year=2026",
                                  "/analytics/explore", "/analytics/reports", "/analytics/competitors"])
def test_every_page_opens_for_the_manager_and_a_representative(app, team, orders, login_as, path):
    for who in ("manager", "rep"):
        assert login_as(team[who]).get(path).status_code == 200, (who, path)


def test_the_explorer_shows_labels_not_codes(app, team, orders, login_as):
    html = login_as(team["manager"]).get(
        "/analytics/explore?dataset=pipeline.order_lines&row1=channel&aggregate=sum&measure=revenue"
    ).get_data(as_text=True)
    assert "天猫" in html and "京东" in html
    assert ">tmall<" not in html and ">jd<" not in html


def test_sales_page_shows_the_channel_labels_and_the_pareto_classes(app, team, orders, login_as):
    html = login_as(team["manager"]).get("/analytics/?year=2026").get_data(as_text=True)
    assert "天猫" in html and "¥59,400.00" in html
    assert "<td>A</td>" in html


def test_export_to_excel_and_csv(app, team, orders, login_as):
    from openpyxl import load_workbook

    client = login_as(team["manager"])
    query = "dataset=pipeline.order_lines&row1=category&column=channel&aggregate=sum&measure=revenue"
    xlsx = client.get(f"/analytics/explore?{query}&export=xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "类别" and "京东" in rows[0]
    csv = client.get(f"/analytics/explore?{query}&export=csv")
    assert csv.status_code == 200 and "天猫".encode() in csv.data


@pytest.mark.parametrize("query", [
    "dataset=nope", "dataset=pipeline.order_lines&row1=revenue&aggregate=count",
    "dataset=pipeline.order_lines&aggregate=sum&measure=product",
    "dataset=pipeline.order_lines&aggregate=count&start=2026-13-01",
    "dataset=pipeline.order_lines&aggregate=count&start=2026-05-01&end=2026-01-01",
    "dataset=pipeline.order_lines&aggregate=count&grain=century&fkey=channel&fvalue=%00",
    "dataset=pipeline.order_lines&aggregate=sum&measure=revenue&export=pdf",
])
def test_bad_questions_get_a_message_not_a_500(app, team, orders, login_as, query):
    answer = login_as(team["manager"]).get(f"/analytics/explore?{query}")
    assert answer.status_code in (200, 400, 422)


def test_the_explorer_costs_a_fixed_number_of_statements(app, db, team, shop, login_as, count_queries):
    client = login_as(team["manager"])
    url = "/analytics/explore?dataset=pipeline.order_lines&row1=product&column=channel&aggregate=sum&measure=revenue"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    customer = shop.customer(team["rep"])
    for i in range(40):
        shop.order(customer, team["rep"], datetime(2026, 4, 1, 4), [(f"产品{i}", "hardware", "10")], channel="jd")
    db.session.commit()
    with count_queries() as many:
        client.get(url)
    assert len(many) == len(few)


def test_sales_pages_say_so_when_the_pipeline_is_off(app, team, login_as, disable_plugin):
    disable_plugin("pipeline")
    html = login_as(team["manager"]).get("/analytics/").get_data(as_text=True)
    assert "未启用" in html


def test_rfm_segments_put_frequent_recent_buyers_among_the_champions(app, db, team, shop, login_as):
    from plugins.analytics.services.catalogue import find_dataset
    from plugins.analytics.services.sales import rfm_segments

    # Ten customers: the i-th bought i+1 times, the last of them on day i+1 of May; the best is most recent too.
    for i in range(10):
        customer = shop.customer(team["rep"], f"客户{i:02d}")
        for n in range(i + 1):
            shop.order(customer, team["rep"], datetime(2026, 5, 1 + i, 4 + n), [("CRM", "software", "100")])
    db.session.commit()
    segments = {s.code: s for s in rfm_segments(find_dataset("pipeline.order_lines", team["manager"]),
                                                team["manager"])}
    assert sum(s.customers for s in segments.values()) == 10
    assert segments["champions"].customers == 4  # the top two quintiles on both recency and frequency
    assert segments["hibernating"].customers == 4
    html = login_as(team["manager"]).get("/analytics/customers/segments/champions").get_data(as_text=True)
    assert "客户09" in html and "客户00" not in html
    assert "2026年5月10日" in html  # the last purchase as a local date, not the stored UTC text


def test_the_trend_leaves_months_to_come_empty_and_gives_no_growth_for_the_month_under_way(app, db, team, shop):
    from datetime import date

    from plugins.analytics.services.catalogue import find_dataset
    from plugins.analytics.services.sales import monthly_trend

    customer = shop.customer(team["rep"])
    shop.order(customer, team["rep"], datetime(2025, 5, 10, 4), [("CRM", "software", "1000")])
    shop.order(customer, team["rep"], datetime(2025, 6, 10, 4), [("CRM", "software", "1000")])
    shop.order(customer, team["rep"], datetime(2026, 5, 10, 4), [("CRM", "software", "1500")])
    shop.order(customer, team["rep"], datetime(2026, 6, 2, 4), [("CRM", "software", "100")])
    db.session.commit()
    points = monthly_trend(find_dataset("pipeline.order_lines", team["manager"]), team["manager"], 2026,
                           today=date(2026, 6, 3))
    may, june, july = points[4], points[5], points[6]
    assert (may.revenue, str(may.growth), may.partial) == (Decimal("1500.00"), "0.5000", False)
    assert (june.revenue, june.growth, june.partial) == (Decimal("100.00"), None, True)
    assert (july.revenue, july.growth) == (None, None)


def test_representatives_show_target_completion_only_where_a_target_is_set(app, db, team, shop):
    from datetime import date

    from plugins.analytics.services.catalogue import find_dataset
    from plugins.analytics.services.sales import representatives
    from plugins.pipeline.services.targets import set_target

    for who in ("rep", "other"):
        shop.order(shop.customer(team[who]), team[who], datetime(2026, 5, 3, 4), [("CRM", "software", "1500")])
    set_target(db.session, year=2026, amount=Decimal("100000"), set_by=team["manager"])
    set_target(db.session, year=2026, user_id=team["rep"].id, amount=Decimal("6000"), set_by=team["supervisor"])
    db.session.commit()
    rows = {r.name: r for r in representatives(find_dataset("pipeline.order_lines", team["manager"]),
                                                team["manager"], date(2026, 1, 1), date(2027, 1, 1))}
    assert rows[team["rep"].name].target_completion == Decimal("25.00")
    assert rows[team["other"].name].target_completion is None


@pytest.mark.parametrize("path", ["/analytics/?year=2026", "/analytics/customers?year=2026"])
def test_dashboards_cost_a_fixed_number_of_statements(app, db, team, shop, login_as, count_queries, path):
    client = login_as(team["manager"])
    shop.order(shop.customer(team["rep"]), team["rep"], datetime(2026, 4, 1, 4), [("产品", "hardware", "10")])
    db.session.commit()
    client.get(path)
    with count_queries() as few:
        client.get(path)
    for i in range(30):
        who = team["rep"] if i % 2 else team["other"]
        shop.order(shop.customer(who), who, datetime(2026, 1 + i % 12, 1, 4), [(f"产品{i}", f"类{i % 4}", "10")],
                   channel=("jd", "tmall", "douyin")[i % 3])
    db.session.commit()
    with count_queries() as many:
        client.get(path)
    assert len(many) == len(few)


def test_customer_behaviour_pareto_and_cohorts_on_a_hand_counted_fixture(app, db, team, shop):
    """Three customers. A: first order in 2025-12, again 2026-01 and 2026-03. B: 2026-01 twice. C: 2026-02 once.
    Products: 扫码枪 (cost half) sells 700, CRM 300."""
    from datetime import date

    from plugins.analytics.services.catalogue import find_dataset
    from plugins.analytics.services.sales import cohorts, customer_behaviour, pareto

    a, b, c = (shop.customer(team["rep"], name) for name in ("甲", "乙", "丙"))
    shop.order(a, team["rep"], datetime(2025, 12, 5, 4), [("扫码枪", "hardware", "100")])
    shop.order(a, team["rep"], datetime(2026, 1, 5, 4), [("扫码枪", "hardware", "200")])
    shop.order(a, team["rep"], datetime(2026, 3, 5, 4), [("CRM", "software", "300")])
    shop.order(b, team["rep"], datetime(2026, 1, 6, 4), [("扫码枪", "hardware", "150")])
    shop.order(b, team["rep"], datetime(2026, 1, 20, 4), [("扫码枪", "hardware", "150")])
    shop.order(c, team["rep"], datetime(2026, 2, 6, 4), [("扫码枪", "hardware", "100")])
    db.session.commit()
    dataset = find_dataset("pipeline.order_lines", team["manager"])
    year = (date(2026, 1, 1), date(2027, 1, 1))
    behaviour = customer_behaviour(dataset, team["manager"], *year)
    assert (behaviour.customers, behaviour.new_customers, behaviour.returning_customers) == (3, 2, 1)
    assert (behaviour.repeat_customers, behaviour.orders, behaviour.revenue) == (2, 5, Decimal("900.00"))
    assert behaviour.average_order_value == Decimal("180.00") and str(behaviour.repeat_rate) == "0.6667"
    rows = pareto(dataset, team["manager"], "product", *year)
    assert [(r.name, r.revenue, r.grade, r.margin) for r in rows] == [
        ("扫码枪", Decimal("600.00"), "A", Decimal("300.00")), ("CRM", Decimal("300.00"), "A", Decimal("150.00"))]  # needed to reach 80 %
    table = {row.cohort: (row.size, row.retained[:4]) for row in cohorts(dataset, team["manager"])}
    assert table == {"2025-12": (1, [1, 1, 0, 1]), "2026-01": (1, [1, 0, 0, 0]), "2026-02": (1, [1, 0, 0, 0])}


def test_weekly_and_daily_trends_compare_with_the_same_period_last_year(app, db, team, shop, login_as):
    from datetime import date

    from plugins.analytics.services.catalogue import find_dataset
    from plugins.analytics.services.sales import trend

    customer = shop.customer(team["rep"])
    # ISO week 10: Monday 3 March 2025 and Monday 2 March 2026 (company time: 04:00 UTC is noon in Shanghai).
    shop.order(customer, team["rep"], datetime(2025, 3, 4, 4), [("CRM", "software", "200")])
    shop.order(customer, team["rep"], datetime(2026, 3, 3, 4), [("CRM", "software", "300")])
    db.session.commit()
    dataset = find_dataset("pipeline.order_lines", team["manager"])
    weeks = {p.bucket: p for p in trend(dataset, team["manager"], 2026, "week", today=date(2026, 6, 1))}
    assert (weeks["W10"].revenue, weeks["W10"].last_year, str(weeks["W10"].growth)) == (
        Decimal("300.00"), Decimal("200.00"), "0.5000")
    days = {p.bucket: p for p in trend(dataset, team["manager"], 2026, "day", today=date(2026, 6, 1))}
    assert (days["03-03"].revenue, days["03-04"].last_year) == (Decimal("300.00"), Decimal("200.00"))
    assert days["06-02"].revenue is None and days["06-01"].partial
    html = login_as(team["manager"]).get("/analytics/?year=2026&grain=week").get_data(as_text=True)
    assert "第 10 周" in html
