"""The sales manager's dashboard in a real browser (issue 12): at 1440 px in Chinese, every chart widget draws its
chart with the vendored Chart.js from this site, beside its table, with no console error and no Content Security
Policy violation. Skipped, saying why, where Chromium or playwright is missing."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from core.testing import TEST_PASSWORD
from core.timeutil import local_today, utcnow


def make_sales(db, make_user):
    from plugins.crm.models import Customer
    from plugins.pipeline.models import Deal, Order, OrderLine, Product, SalesTarget, Ticket

    manager = make_user("manager", roles=["sales_manager"], position="sales_manager", name="林经理")
    supervisor = make_user("sup", roles=["sales_supervisor"], position="sales_supervisor", superior_id=manager.id)
    rep = make_user("rep", roles=["sales_rep"], position="sales_rep", superior_id=supervisor.id, name="陈杰")
    customer = Customer(name="杭州云帆科技有限公司", name_key="杭州云帆科技", owner_id=rep.id, state="customer",
                        grade="A")
    product = Product(sku="NS-1", name="网销 CRM 年费", category="software", list_price=Decimal("19800"),
                      cost=Decimal("4000"), tax_rate=Decimal("0.06"))
    db.session.add_all([customer, product])
    db.session.flush()
    for stage, value in (("development", "8000"), ("quotation", "66000"), ("contract", "19800")):
        db.session.add(Deal(title=f"CRM {stage}", customer_id=customer.id, owner_id=rep.id, stage=stage,
                            expected_value=Decimal(value), expected_close=local_today() + timedelta(days=20)))
    order = Order(number="SO-1", customer_id=customer.id, owner_id=rep.id, ordered_at=utcnow(),
                  total=Decimal("19800"))
    order.lines = [OrderLine(product_id=product.id, quantity=Decimal("1"), unit_price=Decimal("19800"),
                             revenue=Decimal("19800"), cost=Decimal("4000"))]
    db.session.add(order)
    db.session.add(SalesTarget(year=local_today().year, user_id=rep.id, month=local_today().month,
                               amount=Decimal("30000"), set_by_id=manager.id))
    db.session.add(Ticket(customer_id=customer.id, kind="complaint", subject="发票抬头有误", assignee_id=rep.id,
                          sla_due_at=utcnow() - timedelta(hours=3)))
    db.session.commit()


def test_the_managers_dashboard_draws_its_charts(live_server, make_page, db, make_user):
    make_sales(db, make_user)
    page = make_page(width=1440, height=900, locale="zh-CN")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" or "Content Security Policy" in m.text
            else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto("/login")
    page.fill("input[name=login]", "manager")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))

    canvases = page.locator("canvas[data-chart-spec]")
    expected = canvases.count()
    assert expected == 5  # pipeline by stage, forecast, revenue, overdue work, customers by grade
    page.wait_for_selector(f"canvas[data-chart-ready] >> nth={expected - 1}", state="attached")
    drawn = page.evaluate("""() => Array.from(document.querySelectorAll("canvas[data-chart-spec]")).map(c => {
        const chart = Chart.getChart(c);
        return chart ? {labels: chart.data.labels, width: c.clientWidth, height: c.clientHeight} : null; })""")
    assert all(d is not None and d["width"] > 200 and d["height"] > 150 for d in drawn), drawn
    assert drawn[0]["labels"][:2] == ["客户开发", "需求挖掘"]
    # Each chart has its table of the same figures beside it.
    stages = page.locator("#chart-pipeline-team-stages-table")
    assert stages.is_visible() and "¥66,000.00" in stages.inner_text()
    assert page.locator("#widget-pipeline-team_stages h2").inner_text() == "团队各阶段商机"
    # The Chart.js tooltip speaks the locale helper's text, not a raw float.
    tooltip = page.evaluate("""() => {
        const chart = Chart.getChart(document.querySelector("#chart-pipeline-team-stages canvas"));
        const item = {datasetIndex: 0, dataIndex: 2, dataset: chart.data.datasets[0]};
        return chart.options.plugins.tooltip.callbacks.label(item); }""")
    assert tooltip == "预计金额: ¥66,000.00"
    assert page.evaluate("document.querySelector('script[src$=\"chart.umd.min.js\"]').src").startswith(
        live_server.base_url)
    assert problems == []
