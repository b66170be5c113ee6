"""The pivot engine (R7.1.2) against a Python reference computed from the same data set's rows."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.analytics.services.catalogue import find_dataset
from plugins.analytics.services.pivot import PivotError, PivotSpec, run

CATEGORIES = ("software", "hardware", "supplies")
CHANNELS = ("direct", "tmall", "jd")
CENT = Decimal("0.01")


def order_lines(app, user):
    dataset = find_dataset("pipeline.order_lines", user)
    assert dataset is not None
    return dataset


def reference(rows, row_key, column_key, value_key, aggregate):
    """The pivot computed in Python from the data set's own rows."""
    groups = defaultdict(list)
    for row in rows:
        groups[(row[row_key], row[column_key] if column_key else None)].append(row[value_key] if value_key else 1)
    out = {}
    for key, values in groups.items():
        if aggregate == "sum":
            out[key] = sum((Decimal(str(v)) for v in values), Decimal("0")).quantize(CENT)
        elif aggregate == "count":
            out[key] = Decimal(len(values))
        elif aggregate == "avg":
            out[key] = (sum((Decimal(str(v)) for v in values), Decimal("0")) / len(values)).quantize(CENT)
        else:
            out[key] = Decimal(len(set(values)))
    return out


line = st.tuples(st.sampled_from(CATEGORIES), st.sampled_from(CHANNELS),
                 st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
                 st.integers(min_value=0, max_value=3))


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lines=st.lists(line, min_size=1, max_size=25), aggregate=st.sampled_from(("sum", "count", "avg", "distinct")))
def test_pivot_matches_a_python_reference_on_random_orders(app, db, team, shop, lines, aggregate):
    from plugins.pipeline.models import Order, OrderLine

    db.session.query(OrderLine).delete()
    db.session.query(Order).delete()
    customers = [shop.customer(team["rep"]) for _ in range(4)]
    for category, channel, revenue, who in lines:
        shop.order(customers[who], team["rep"], datetime(2026, 5, 10, 4), [(f"p-{category}", category, revenue)],
                   channel=channel)
    db.session.commit()
    manager = team["manager"]
    dataset = order_lines(app, manager)
    measure = "customer_id" if aggregate == "distinct" else ("revenue" if aggregate != "count" else None)
    result = run(PivotSpec("pipeline.order_lines", rows=("category",), column="channel", measure=measure,
                           aggregate=aggregate), dataset, manager)
    rows = [r._mapping for r in db.session.execute(dataset.query(manager))]
    expected = reference(rows, "category", "channel", measure, aggregate)
    got = {(rk[0], ck): v for (rk, ck), v in result.cells.items()}
    assert got == expected
    # Totals: what the column would give on its own.
    expected_total = reference([{**r, "one": "all"} for r in rows], "one", None, measure, aggregate)[("all", None)]
    assert result.total == expected_total


def test_months_are_counted_in_the_company_time_zone(app, db, team, shop):
    """An order at 17:30 UTC on 31 March is 01:30 on 1 April in Shanghai: it belongs to April."""
    customer = shop.customer(team["rep"])
    shop.order(customer, team["rep"], datetime(2026, 3, 31, 15, 59), [("a", "software", "100")])
    shop.order(customer, team["rep"], datetime(2026, 3, 31, 17, 30), [("a", "software", "250")])
    db.session.commit()
    dataset = order_lines(app, team["manager"])
    result = run(PivotSpec("pipeline.order_lines", rows=("date",), measure="revenue", aggregate="sum",
                           grain="month"), dataset, team["manager"])
    assert {k[0]: v for (k, _c), v in result.cells.items()} == {"2026-03": Decimal("100.00"),
                                                                 "2026-04": Decimal("250.00")}
    weeks = run(PivotSpec("pipeline.order_lines", rows=("date",), aggregate="count", grain="week"), dataset,
                team["manager"])
    assert [k[0] for k in weeks.row_keys] == ["2026-03-30"]  # both in the week starting Monday 30 March
    quarters = run(PivotSpec("pipeline.order_lines", rows=("date",), aggregate="count", grain="quarter"), dataset,
                   team["manager"])
    assert [k[0] for k in quarters.row_keys] == ["2026-Q1", "2026-Q2"]


def test_a_period_filter_uses_company_local_days(app, db, team, shop):
    from datetime import date

    customer = shop.customer(team["rep"])
    shop.order(customer, team["rep"], datetime(2026, 3, 31, 17, 30), [("a", "software", "250")])  # 1 April local
    db.session.commit()
    dataset = order_lines(app, team["manager"])
    march = run(PivotSpec("pipeline.order_lines", aggregate="count", start=date(2026, 3, 1), end=date(2026, 4, 1)),
                dataset, team["manager"])
    april = run(PivotSpec("pipeline.order_lines", aggregate="count", start=date(2026, 4, 1), end=date(2026, 5, 1)),
                dataset, team["manager"])
    assert (march.total, april.total) == (Decimal(0), Decimal(1))


def test_money_sums_are_exact_at_scale(app, db, team, shop):
    customer = shop.customer(team["rep"])
    for _ in range(300):
        shop.order(customer, team["rep"], datetime(2026, 5, 1, 4), [("a", "software", "0.10")])
    db.session.commit()
    result = run(PivotSpec("pipeline.order_lines", measure="revenue", aggregate="sum"),
                 order_lines(app, team["manager"]), team["manager"])
    assert result.total == Decimal("30.00")  # 300 × 0.10 as floats would drift


@pytest.mark.parametrize("spec, fragment", [
    (PivotSpec("pipeline.order_lines", rows=("revenue",)), "group"),
    (PivotSpec("pipeline.order_lines", measure="product", aggregate="sum"), "added up"),
    (PivotSpec("pipeline.order_lines", aggregate="median"), "combine"),
    (PivotSpec("pipeline.order_lines", rows=("product", "category", "channel")), "two columns"),
    (PivotSpec("pipeline.order_lines", rows=("product",), column="product"), "once"),
])
def test_impossible_pivots_are_refused_with_a_message(app, team, english, spec, fragment):
    with pytest.raises(PivotError) as refused:
        run(spec, order_lines(app, team["manager"]), team["manager"])
    assert fragment in str(refused.value)


def test_the_number_of_groups_is_capped_and_says_so(app, db, team, shop, monkeypatch):
    from plugins.analytics.services import pivot

    monkeypatch.setattr(pivot, "MAX_GROUPS", 3)
    customer = shop.customer(team["rep"])
    for i in range(5):
        shop.order(customer, team["rep"], datetime(2026, 5, 1, 4), [(f"p{i}", "software", "1")])
    db.session.commit()
    result = run(PivotSpec("pipeline.order_lines", rows=("product",), aggregate="count"),
                 order_lines(app, team["manager"]), team["manager"])
    assert result.truncated and len(result.row_keys) == 3
