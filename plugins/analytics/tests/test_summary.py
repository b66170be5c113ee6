"""The sales summary (issue 16 "Performance") gives exactly the live figures: the same pivots, read once from the
summary and once from the order lines, on random orders placed around company-local month boundaries, for a
representative (own), a supervisor (team) and the manager (all)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.analytics.services.catalogue import find_dataset
from plugins.analytics.services.pivot import PivotSpec, run

SPECS = [
    PivotSpec("pipeline.order_lines", rows=("date",), measure="revenue", aggregate="sum", grain="month"),
    PivotSpec("pipeline.order_lines", rows=("date",), measure="revenue", aggregate="sum", grain="day"),
    PivotSpec("pipeline.order_lines", rows=("date",), column="channel", measure="cost", aggregate="sum",
              grain="week"),
    PivotSpec("pipeline.order_lines", rows=("channel", "shop"), measure="revenue", aggregate="sum"),
    PivotSpec("pipeline.order_lines", rows=("category",), column="date", measure="quantity", aggregate="sum",
              grain="quarter"),
    PivotSpec("pipeline.order_lines", rows=("product",), measure="revenue", aggregate="avg"),
    PivotSpec("pipeline.order_lines", rows=("region",), aggregate="count"),
    PivotSpec("pipeline.order_lines", rows=("representative_id", "representative"), measure="revenue",
              aggregate="sum"),
    PivotSpec("pipeline.order_lines", rows=("team",), column="shop", aggregate="count", filters=(("channel", "jd"),)),
]
#: Periods whose ends fall inside months and on their first days, so that month rows and day rows both serve.
PERIODS = [(None, None), (date(2026, 1, 31), date(2026, 3, 1)), (date(2026, 2, 1), date(2026, 4, 1)),
           (date(2026, 1, 15), date(2026, 1, 20)), (date(2026, 2, 28), None), (None, date(2026, 2, 1))]

CHANNELS = (("tmall", "天猫旗舰店"), ("tmall", "天猫专卖店"), ("jd", "京东自营店"), ("direct", None))
# UTC times around local midnight (Asia/Shanghai is UTC+8): 15:30 UTC on Jan 31 is 23:30 on Jan 31 locally,
# 16:30 UTC is 00:30 on Feb 1.
MOMENTS = [datetime(2026, 1, 31, 15, 30), datetime(2026, 1, 31, 16, 30), datetime(2026, 2, 28, 15, 59),
           datetime(2026, 2, 28, 16, 0), datetime(2026, 3, 15, 2), datetime(2026, 1, 15, 20)]

line = st.tuples(
    st.integers(min_value=0, max_value=2),  # representative: rep, other, outsider
    st.sampled_from(CHANNELS), st.sampled_from(MOMENTS), st.sampled_from(("华东", "华南", None)),
    st.sampled_from((("扫码枪", "hardware"), ("年费", "software"), ("耗材", "supplies"))),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal("99.999"), places=3),
    st.sampled_from(("confirmed", "completed", "cancelled")))


def _write(db, team, shop, lines):
    from plugins.pipeline.models import Order, OrderLine

    people = [team["rep"], team["other"], team["outsider"]]
    for who, (channel, shop_name), at, region, (product, category), revenue, quantity, status in lines:
        customer = shop.customer(people[who])
        customer.region = region
        shop.n += 1
        order = Order(number=f"SO-{shop.n:05d}", channel=channel, shop=shop_name, customer_id=customer.id,
                      owner_id=people[who].id, status=status, ordered_at=at)
        db.session.add(order)
        db.session.flush()
        item = shop.product(product, category)
        db.session.add(OrderLine(order_id=order.id, product_id=item.id, quantity=quantity, unit_price=revenue,
                                 revenue=revenue, cost=(revenue / 3).quantize(Decimal("0.01"))))
    db.session.flush()


def _same(live, summed):
    assert summed.as_of is not None, "the summary should have served this pivot"
    assert live.as_of is None
    assert summed.row_keys == live.row_keys
    assert summed.column_keys == live.column_keys
    assert summed.cells == live.cells
    assert summed.row_totals == live.row_totals and summed.column_totals == live.column_totals
    assert summed.total == live.total


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lines=st.lists(line, min_size=1, max_size=20))
def test_the_summary_gives_the_live_figures_to_the_cent_in_every_scope(app, db, team, shop, lines):
    from plugins.analytics.services.summary import rebuild
    from plugins.pipeline.models import Order, OrderLine

    db.session.query(OrderLine).delete()
    db.session.query(Order).delete()
    _write(db, team, shop, lines)
    with app.test_request_context():
        assert rebuild(db.session) is not None
        for who in ("rep", "supervisor", "manager"):
            dataset = find_dataset("pipeline.order_lines", team[who])
            for spec in SPECS:
                for start, end in PERIODS:
                    asked = replace(spec, start=start, end=end)
                    _same(run(asked, dataset, team[who], group_by_keys=True, live=True),
                          run(asked, dataset, team[who], group_by_keys=True))


def test_month_boundaries_are_the_company_local_ones(app, db, team, shop):
    """23:30 on 31 January in Shanghai is 15:30 UTC: January's. 00:30 on 1 February is 16:30 UTC on 31 January:
    February's, though its UTC date is in January."""
    from plugins.analytics.services.summary import rebuild

    _write(db, team, shop, [(0, ("tmall", "天猫旗舰店"), datetime(2026, 1, 31, 15, 30), None, ("扫码枪", "hardware"),
                             Decimal("100.10"), Decimal("1"), "confirmed"),
                            (0, ("tmall", "天猫旗舰店"), datetime(2026, 1, 31, 16, 30), None, ("扫码枪", "hardware"),
                             Decimal("200.20"), Decimal("1"), "confirmed")])
    with app.test_request_context():
        rebuild(db.session)
        dataset = find_dataset("pipeline.order_lines", team["manager"])
        result = run(PivotSpec("pipeline.order_lines", rows=("date",), measure="revenue", aggregate="sum"),
                     dataset, team["manager"])
    assert result.as_of is not None
    assert {k[0]: result.cells[(k, None)] for k in result.row_keys} == {"2026-01": Decimal("100.10"),
                                                                         "2026-02": Decimal("200.20")}


def test_what_the_summary_does_not_keep_is_read_live(app, db, team, shop):
    from plugins.analytics.services.summary import rebuild

    _write(db, team, shop, [(0, ("jd", "京东自营店"), datetime(2026, 3, 1, 4), "华东", ("年费", "software"),
                             Decimal("19800.00"), Decimal("1"), "confirmed")])
    with app.test_request_context():
        dataset = find_dataset("pipeline.order_lines", team["manager"])
        before = run(PivotSpec("pipeline.order_lines", rows=("channel",), aggregate="count"), dataset,
                     team["manager"])
        assert before.as_of is None  # not built yet: the lines
        rebuild(db.session)
        for spec in (PivotSpec("pipeline.order_lines", rows=("customer",), aggregate="count"),
                     PivotSpec("pipeline.order_lines", rows=("channel",), measure="order_id", aggregate="distinct"),
                     PivotSpec("pipeline.order_lines", rows=("channel", "product"), aggregate="count")):
            assert run(spec, dataset, team["manager"]).as_of is None, spec
        assert run(PivotSpec("pipeline.order_lines", rows=("channel",), aggregate="count"), dataset,
                   team["manager"]).as_of is not None


def test_a_rebuild_replaces_the_summary_and_the_job_keeps_it(app, db, team, shop):
    from plugins.analytics import jobs
    from plugins.analytics.models import SalesSummary, SummaryState

    _write(db, team, shop, [(0, ("jd", "京东自营店"), datetime(2026, 3, 1, 4), "华东", ("年费", "software"),
                             Decimal("19800.00"), Decimal("1"), "confirmed")])
    db.session.commit()
    with app.test_request_context():
        jobs.refresh_summary()
        first = db.session.query(SalesSummary).count()
        jobs.refresh_summary()
        assert db.session.query(SalesSummary).count() == first  # replaced, not added to
        state = db.session.get(SummaryState, "pipeline.order_lines")
        assert state.lines == 1 and state.built_at is not None
        # The only order is cancelled: its month has no line left, and the next rebuild forgets it.
        from plugins.pipeline.models import Order

        db.session.execute(db.update(Order).values(status="cancelled"))
        db.session.commit()
        jobs.refresh_summary()
        assert db.session.query(SalesSummary).count() == 0
        assert db.session.get(SummaryState, "pipeline.order_lines").lines == 0


@pytest.mark.parametrize("live", [False, True])
def test_the_sales_page_says_how_old_its_figures_are(app, db, team, shop, login_as, live):
    from plugins.analytics.services.summary import rebuild

    _write(db, team, shop, [(0, ("jd", "京东自营店"), datetime(2026, 3, 1, 4), "华东", ("年费", "software"),
                             Decimal("19800.00"), Decimal("1"), "confirmed")])
    with app.test_request_context():
        rebuild(db.session)
    db.session.commit()
    html = login_as(team["manager"]).get(f"/analytics/?year=2026{'&live=1' if live else ''}").get_data(as_text=True)
    assert ("数据截至" in html) is not live
    assert ("直接读取每一条订单明细" in html) is live
    assert "¥19,800.00" in html


def test_the_summary_job_time_is_shown_in_company_time(app):
    from plugins.analytics.views.common import as_of_text

    with app.test_request_context():
        moment = datetime.utcnow().replace(microsecond=0) - timedelta(days=3)  # noqa: DTZ003 - stored naive UTC
        text = as_of_text(moment)
    local = moment + timedelta(hours=8)
    assert local.strftime("%H:%M") in text.replace("\u202f", " ")
