"""Group-by on the deal and order lists (issue 12): counts and sums per stage, status, owner and channel, labelled
(never codes), each group linking to its rows, within the viewer's scope; saved views are offered."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from sqlalchemy import insert


def groups(html: str) -> dict[str, tuple[str, str]]:
    """label → (count, sum) of a grouped list's rows."""
    body = html[html.index('class="list list-groups"'):]
    body = body[body.index("<tbody>"):body.index("</tbody>")]
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        found[cells[0]] = (cells[1], cells[2])
    return found


def test_deals_grouped_by_stage_and_owner_count_and_sum_what_the_viewer_sees(client, login_as, db, team, customer):
    from plugins.pipeline.models import Deal

    rows = [("A", "needs", team["rep"], "1000"), ("B", "needs", team["rep"], "2500.50"),
            ("C", "quotation", team["rep"], "4000"), ("D", "needs", team["other"], "7000")]
    db.session.execute(insert(Deal), [{"title": t, "customer_id": customer.id, "owner_id": o.id, "stage": s,
                                       "status": "open", "expected_value": Decimal(v), "version": 1}
                                      for t, s, o, v in rows])
    db.session.commit()
    login_as(team["rep"])
    html = client.get("/pipeline/deals?group=stage").get_data(as_text=True)
    by_stage = groups(html)
    assert by_stage["需求挖掘"] == ("2", "¥3,500.50")  # the other representative's deal is not the rep's to count
    assert by_stage["报价与方案"] == ("1", "¥4,000.00")
    assert "needs" not in by_stage
    assert 'href="/pipeline/deals?stage=needs"' in html  # a group opens its rows
    assert 'name="list_key" value="pipeline.deals"' in html  # "save this view"

    login_as(team["supervisor"])
    by_owner = groups(client.get("/pipeline/deals?group=owner").get_data(as_text=True))
    assert by_owner[team["other"].name] == ("1", "¥7,000.00")
    assert by_owner[team["rep"].name] == ("3", "¥7,500.50")


def test_orders_grouped_by_channel(client, login_as, db, team, customer):
    from plugins.pipeline.models import Order

    db.session.execute(insert(Order), [
        {"number": f"SO-{i}", "customer_id": customer.id, "owner_id": team["rep"].id, "status": "confirmed",
         "channel": channel, "total": Decimal(total), "cost_total": Decimal("0"), "version": 1,
         "ordered_at": datetime(2026, 5, 1)}
        for i, (channel, total) in enumerate([("tmall", "100"), ("tmall", "50.25"), ("jd", "10")])])
    db.session.commit()
    login_as(team["rep"])
    html = client.get("/pipeline/orders?group=channel").get_data(as_text=True)
    by_channel = groups(html)
    assert by_channel["天猫"] == ("2", "¥150.25") and by_channel["京东"] == ("1", "¥10.00")
    assert 'href="/pipeline/orders?channel=tmall"' in html
    assert groups(client.get("/pipeline/orders?group=owner").get_data(as_text=True))[team["rep"].name][0] == "3"
    assert client.get("/pipeline/orders?group=nonsense").status_code == 200  # the plain list
