"""Market research (R7.2): competitors, prices, research activities and customers' needs: validation, rights,
charts from their own data sets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.timeutil import local_today


@pytest.fixture
def competitor(db):
    from plugins.analytics.models import Competitor

    row = Competitor(name="云销通", strengths="便宜")
    db.session.add(row)
    db.session.commit()
    return row


def test_a_representative_reports_a_price_and_sees_it_charted(app, db, team, competitor, login_as):
    client = login_as(team["rep"])
    day = local_today().isoformat()
    answer = client.post(f"/analytics/competitors/{competitor.id}", data={
        "their_product": "云销 CRM", "our_product": "网销 CRM 年费", "price": "16800", "our_price": "19800",
        "channel": "tmall", "observed_on": day})
    assert answer.status_code == 302
    page = client.get("/analytics/competitors").get_data(as_text=True)
    assert "网销 CRM 年费" in page and "¥16,800.00" in page and "data-chart" in page


@pytest.mark.parametrize("field, value, message", [
    ("price", "abc", "请输入金额"), ("price", "1e40", "0.01 到 999,999,999,999.99"), ("price", "-5", "0.01 到"),
    ("price", "1.234", "两位小数"), ("channel", "moon", "请选择渠道"), ("observed_on", "2026-02-30", "日期格式"),
    ("their_product", "x" * 201, "最多 200 个字符"),
])
def test_bad_price_input_is_refused_next_to_the_field_and_nothing_is_saved(app, db, team, competitor, login_as,
                                                                            field, value, message):
    from plugins.analytics.models import PriceObservation

    data = {"their_product": "云销 CRM", "our_product": "网销 CRM 年费", "price": "16800", "channel": "jd",
            "observed_on": local_today().isoformat(), field: value}
    answer = login_as(team["rep"]).post(f"/analytics/competitors/{competitor.id}", data=data)
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(PriceObservation.id))) == 0


def test_a_price_from_the_future_is_refused(app, db, team, competitor, login_as):
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    answer = login_as(team["rep"]).post(f"/analytics/competitors/{competitor.id}", data={
        "their_product": "a", "our_product": "b", "price": "1", "channel": "jd", "observed_on": tomorrow})
    assert answer.status_code == 422


def test_only_the_manager_keeps_the_competitor_list(app, db, team, login_as):
    from plugins.analytics.models import Competitor

    assert login_as(team["rep"]).post("/analytics/competitors", data={"name": "店掌柜"}).status_code == 403
    assert login_as(team["manager"]).post("/analytics/competitors", data={"name": "店掌柜"}).status_code == 302
    duplicate = login_as(team["manager"]).post("/analytics/competitors", data={"name": "店掌柜"})
    assert duplicate.status_code == 422 and "已有同名" in duplicate.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Competitor.id))) == 1


def test_a_trade_show_is_recorded_with_its_cost_and_leads_and_gets_a_timeline(app, db, team, login_as):
    from plugins.analytics.models import ResearchActivity

    client = login_as(team["manager"])
    answer = client.post("/analytics/research", data={
        "kind": "trade_show", "title": "杭州电商博览会", "held_on": "2026-09-12", "cost": "18500",
        "leads": "26", "findings": "<script>alert(1)</script>直播工具增多"})
    assert answer.status_code == 302
    activity = db.session.scalar(db.select(ResearchActivity))
    page = client.get(f"/analytics/research/{activity.id}").get_data(as_text=True)
    assert "¥18,500.00" in page and "<script>alert(1)" not in page
    assert "展会" in client.get("/analytics/research").get_data(as_text=True)


@pytest.mark.parametrize("field, value", [("leads", "-1"), ("leads", "many"), ("held_on", ""), ("kind", "party"),
                                          ("title", ""), ("cost", "Infinity")])
def test_bad_activities_are_refused(app, db, team, login_as, field, value):
    from plugins.analytics.models import ResearchActivity

    data = {"kind": "survey", "title": "问卷", "held_on": "2026-09-12", field: value}
    assert login_as(team["manager"]).post("/analytics/research", data=data).status_code == 422
    assert db.session.scalar(db.select(db.func.count(ResearchActivity.id))) == 0


def test_needs_are_counted_by_theme_and_month(app, db, team, login_as):
    client = login_as(team["rep"])
    today = local_today().isoformat()
    for theme in ("价格", "价格", "接口"):
        assert client.post("/analytics/needs", data={"theme": theme, "text": "希望便宜些", "source": "interaction",
                                                      "noted_on": today}).status_code == 302
    from plugins.analytics.services.research import theme_trend

    trend = theme_trend(db.session, local_today().replace(day=1), months=1)
    assert [(t, counts) for t, counts, _total in trend.themes] == [("价格", [2]), ("接口", [1])]


def test_market_data_sets_appear_in_the_explorer(app, db, team, competitor, login_as):
    html = login_as(team["manager"]).get("/analytics/explore").get_data(as_text=True)
    assert "竞争对手价格" in html and "客户需求" in html


@pytest.mark.parametrize("period, share, message", [
    ("2026-Q5", "10", "2026-Q3"), ("26", "10", "2026-Q3"), ("2026", "0", "大于 0"), ("2026", "101", "大于 0"),
    ("2026", "abc", "百分比"), ("2026", "12.345", "大于 0"),
])
def test_bad_market_share_estimates_are_refused(app, db, team, competitor, login_as, period, share, message):
    from plugins.analytics.models import MarketShare

    answer = login_as(team["manager"]).post("/analytics/market-shares", data={
        "period": period, "region": "华东", "competitor_id": str(competitor.id), "share": share, "source": "协会"})
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(MarketShare.id))) == 0


def test_shares_of_one_source_cannot_exceed_a_hundred_percent(app, db, team, competitor, login_as):
    client = login_as(team["manager"])
    ours = {"period": "2026-q3", "region": "华东", "competitor_id": "us", "share": "60", "source": "协会"}
    assert client.post("/analytics/market-shares", data=ours).status_code == 302
    theirs = {**ours, "competitor_id": str(competitor.id), "share": "45"}
    assert client.post("/analytics/market-shares", data=theirs).status_code == 422
    assert client.post("/analytics/market-shares", data={**theirs, "share": "40"}).status_code == 302
    again = client.post("/analytics/market-shares", data={**ours, "share": "1"})  # same company, period, source
    assert again.status_code == 422
    html = client.get("/analytics/competitors").get_data(as_text=True)
    assert "2026-Q3" in html and "本公司 60.0%" in html and "云销通 40.0%" in html


def test_a_trade_show_links_the_customers_it_brought_through_the_customers_module(app, db, team, login_as,
                                                                                  disable_plugin):
    from plugins.analytics.models import ActivityLead, ResearchActivity
    from plugins.crm.models import Customer

    db.session.add_all([Customer(name="杭州云帆科技有限公司", name_key="杭州云帆科技", owner_id=team["rep"].id),
                        Customer(name="杭州云帆贸易", name_key="杭州云帆贸易", owner_id=team["outsider"].id)])
    activity = ResearchActivity(kind="trade_show", title="博览会", held_on=date(2026, 9, 12), owner_id=team["rep"].id)
    db.session.add(activity)
    db.session.commit()
    client = login_as(team["rep"])  # sees only their own customers
    assert client.post(f"/analytics/research/{activity.id}", data={"customer": "杭州云帆"}).status_code == 302
    lead = db.session.scalar(db.select(ActivityLead))
    assert lead.title == "杭州云帆科技有限公司" and lead.url.startswith("/crm/customers/")
    db.session.refresh(activity)
    assert activity.leads == 1
    again = client.post(f"/analytics/research/{activity.id}", data={"customer": "杭州云帆科技有限公司"})
    assert again.status_code == 422 and "已关联" in again.get_data(as_text=True)
    page = client.get(f"/analytics/research/{activity.id}").get_data(as_text=True)
    assert f'href="{lead.url}"' in page
    disable_plugin("pipeline")
    disable_plugin("crm")
    refused = client.post(f"/analytics/research/{activity.id}", data={"customer": "某公司"})
    assert refused.status_code == 422 and "客户模块" in refused.get_data(as_text=True)


def test_a_forged_company_is_refused_not_taken_for_ours(app, db, team, competitor, login_as):
    from plugins.analytics.models import MarketShare

    answer = login_as(team["manager"]).post("/analytics/market-shares", data={
        "period": "2026", "region": "华东", "competitor_id": "99999999999999999999", "share": "10", "source": "协会"})
    assert answer.status_code == 422 and "请选择竞争对手" in answer.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(MarketShare.id))) == 0
