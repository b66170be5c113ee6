"""The chart building block (templates/macros/charts.html, issue 12): server data in a data attribute for
core/static/js/charts.js, exact figures as text, tooltips' texts from the locale helper, and always the same figures in
a table beside the chart; nothing inline for the Content Security Policy."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html import unescape

from flask import render_template_string
from flask_babel import force_locale

CHART = """{% from "macros/charts.html" import chart %}{{ chart("sales", title, labels, series, heading="月份",
   links=links, totals=totals) }}"""


def render(app, labels, series, links=None, totals=True, title="销售额与目标", locale="zh_Hans"):
    with app.test_request_context("/"), force_locale(locale):
        return render_template_string(CHART, title=title, labels=labels, series=series, links=links, totals=totals)


def spec_of(html: str) -> dict:
    return json.loads(unescape(re.search(r"data-chart-spec='([^']*)'", html).group(1)))


def cells(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
            for r in rows]


SERIES = [{"label": "销售额", "values": [Decimal("1E+1"), Decimal("1234.5"), None], "unit": "money"},
          {"label": "目标", "values": [Decimal("100"), None, Decimal("0.5")], "unit": "money", "type": "line",
           "style": "target"},
          {"label": "订单", "values": [3, 0, 12], "table_only": True}]


def test_the_spec_carries_exact_numbers_and_the_locale_helpers_texts(app):
    html = render(app, ["1月", "2月", "3月"], SERIES)
    spec = spec_of(html)
    assert spec["labels"] == ["1月", "2月", "3月"] and spec["kind"] == "bar" and spec["currency"] == "CNY"
    assert [s["label"] for s in spec["series"]] == ["销售额", "目标"]  # the count is the table's only
    sales, target = spec["series"]
    assert [None if v is None else Decimal(v) for v in sales["data"]] == [Decimal(10), Decimal("1234.5"), None]
    assert sales["texts"] == ["¥10.00", "¥1,234.50", "—"]
    assert target["texts"] == ["¥100.00", "—", "¥0.50"] and target["type"] == "line" and target["style"] == "target"
    assert sales["unit"] == "money" and sales["type"] == "bar"


def test_the_table_shows_every_figure_with_totals(app):
    html = render(app, ["1月", "2月", "3月"], SERIES, links=["/a?x=1&y=2", None, None])
    rows = cells(html)
    assert rows[0] == ["月份", "销售额", "目标", "订单"]
    assert rows[1] == ["1月", "¥10.00", "¥100.00", "3"]
    assert rows[2] == ["2月", "¥1,234.50", "—", "0"]
    assert rows[-1] == ["合计", "¥1,244.50", "¥100.50", "15"]
    assert '<a href="/a?x=1&amp;y=2">1月</a>' in html
    assert 'aria-describedby="chart-sales-table"' in html and 'id="chart-sales-table"' in html
    assert 'role="img" aria-label="销售额与目标"' in html


def test_given_totals_and_english(app):
    html = render(app, ["Jan"], SERIES[:1], totals=[Decimal("99")], locale="en")
    assert cells(html)[-1] == ["Total", "CN¥99.00"]
    assert spec_of(html)["series"][0]["texts"][0] == "CN¥10.00"


def test_no_inline_script_or_style_and_labels_cannot_break_out(app):
    html = render(app, ["<b>'甲'</b>"], [{"label": "x' onmouseover='alert(1)", "values": [1]}],
                  title="a' onload='b")
    assert "<script" not in html and "style=" not in html and "<b>" not in html
    spec_attribute = re.search(r"data-chart-spec='([^']*)'", html).group(1)
    assert "'" not in spec_attribute and "<" not in spec_attribute
    assert spec_of(html)["labels"] == ["<b>'甲'</b>"]
    assert "onload='b" not in html and "onmouseover='alert" not in html


def test_the_dashboard_loads_the_chart_script_from_this_site(app, client, login_as, make_user):
    login_as(make_user("li"))
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert '<script src="/static/js/charts.js" defer></script>' in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert client.get("/static/js/charts.js").status_code == 200
