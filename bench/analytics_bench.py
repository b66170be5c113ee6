"""Benchmark of analytics (issue 16 "Performance"): prints ratios, not seconds.

- each dashboard figure (trend, channels, Pareto, customer behaviour, RFM, cohorts) / the same SQL statements
  replayed alone (target at most 1.5: the figures are aggregate statements, the Python around them is small);
- a pivot of every order line by month × category / its GROUP BY replayed alone (target at most 2), and / a
  hand-written GROUP BY over the bare order tables, without the data set's joins (for information);
- the sales analysis and explorer pages / their SQL (page/SQL, as the other benchmarks print it);
- the sales summary (plugins/analytics/services/summary.py): its rebuild's time and size, each figure it serves
  read from it / read live from the lines, and the sales page and the explorer with the summary / live (?live=1);
- the monthly report PDF / WeasyPrint writing the same HTML alone (target at most 1.5).

The pipeline benchmark's orders are all Tmall orders from no shop: this one spreads them over four channels and
six shops first (one UPDATE), so that the by-channel and by-shop figures have groups to sum; and it sets no targets:
this one gives every representative an annual and twelve monthly targets, so that the representatives' target
completion (the pipeline's KPI) has a figure for each of them.

It builds the pipeline benchmark's data (bench.pipeline_bench.build_data): by default 1,000,000 order lines, about
two minutes on a small machine; ``--lines 100000`` for a quicker look.

    .venv/bin/python -m bench.analytics_bench
    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.analytics_bench
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Flask

from bench.harness import SQLRecorder, bench_app, sql_seconds, time_call, time_page
from bench.pipeline_bench import analyze, build_data


def _ratio_to_own_sql(app: Flask, label: str, call: Callable[[], Any], target: float, repeat: int = 5) -> str:
    from core.extensions import db

    with SQLRecorder(db.engine) as recorder:
        call()
    statements = list(recorder.statements)
    whole = time_call(call, repeat=repeat)
    alone = min(sql_seconds(db.engine, statements) for _ in range(min(repeat, 3)))
    return (f"{label:<44} figure/SQL = {whole / alone:5.2f}  (target ≤ {target}; {len(statements)} statements, "
            f"{whole * 1000:.0f} ms / {alone * 1000:.0f} ms)")


def figure_ratios(app: Flask) -> list[str]:
    from flask_babel import force_locale

    from core.extensions import db
    from core.identity.models import User
    from plugins.analytics.services import sales
    from plugins.analytics.services.pivot import PivotSpec, run

    lines = []
    with app.test_request_context(), force_locale("zh_Hans"):
        manager = db.session.scalar(db.select(User).where(User.login == "manager"))
        dataset = sales.sales_dataset(manager)
        today = date.today()
        start, end = date(today.year - 1, 1, 1), date(today.year + 1, 1, 1)
        # Live (the lines): what no summary serves, and a pivot of every line.
        figures = [
            ("customer behaviour (3 statements)", lambda: sales.customer_behaviour(dataset, manager, start, end)),
            ("RFM segments", lambda: sales.rfm_segments(dataset, manager)),
            ("cohorts", lambda: sales.cohorts(dataset, manager)),
        ]
        for label, call in figures:
            lines.append(_ratio_to_own_sql(app, label, call, 1.5, repeat=2))
        spec = PivotSpec("pipeline.order_lines", rows=("date",), column="category", measure="revenue",
                         aggregate="sum", grain="month")
        lines.append(_ratio_to_own_sql(app, "pivot month × category, every line (live)",
                                       lambda: run(spec, dataset, manager, live=True), 2.0, repeat=2))
        pivot = time_call(lambda: run(spec, dataset, manager, live=True), repeat=2)
        bare = time_call(lambda: db.session.execute(_bare_group_by()).all(), repeat=2)
        lines.append(f"{'pivot / bare GROUP BY on the order tables':<44} ratio = {pivot / bare:5.2f}  "
                     f"(information: the data set joins customers, products and people for its scope and labels)")
    return lines


def summary_ratios(app: Flask) -> list[str]:
    """The summary's rebuild, then each figure it serves: from the summary / live, and from the summary / its SQL."""
    from flask_babel import force_locale

    from core.extensions import db
    from core.identity.models import User
    from plugins.analytics.models import SalesSummary
    from plugins.analytics.services import sales, summary

    lines = []
    with app.test_request_context(), force_locale("zh_Hans"):
        started = time.perf_counter()
        state = summary.rebuild(db.session)
        db.session.commit()
        took = time.perf_counter() - started
        assert state is not None
        rows = db.session.query(SalesSummary).count()
        lines.append(f"{'summary rebuild (job analytics.sales_summary)':<44} {took:6.1f} s for {state.lines:,} lines "
                     f"-> {rows:,} summary rows")
        manager = db.session.scalar(db.select(User).where(User.login == "manager"))
        dataset = sales.sales_dataset(manager)
        today = date.today()
        start, end = date(today.year, 1, 1), date(today.year + 1, 1, 1)
        month = today.replace(day=1)
        month_end = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        figures: list[tuple[str, Callable[[bool], Any]]] = [
            ("trend by month, two years", lambda live: sales.monthly_trend(dataset, manager, today.year, live=live)),
            ("trend by day, two years", lambda live: sales.trend(dataset, manager, today.year, "day", live=live)),
            ("revenue by channel", lambda live: sales.revenue_by(dataset, manager, "channel", start, end, live)),
            ("revenue by shop", lambda live: sales.revenue_by_shop(dataset, manager, start, end, live)),
            ("revenue by region", lambda live: sales.revenue_by(dataset, manager, "region", start, end, live)),
            ("representatives against target, the year", lambda live: sales.representatives(dataset, manager, start,
                                                                                            end, live)),
            ("representatives against target, a month", lambda live: sales.representatives(dataset, manager, month,
                                                                                           month_end, live)),
            ("Pareto by category (2 statements)", lambda live: sales.pareto(dataset, manager, "category", start, end,
                                                                            live)),
            ("Pareto by product (2 statements)", lambda live: sales.pareto(dataset, manager, "product", start, end,
                                                                           live)),
        ]
        for label, call in figures:
            started = time.perf_counter()
            live_figures = call(True)  # once: at a million lines each live figure takes seconds
            live = time.perf_counter() - started
            assert call(False) == live_figures, label  # the same figures either way
            summed = time_call(lambda c=call: c(False), repeat=5)
            lines.append(f"{label:<44} summary/live = {summed / live:6.4f}  ({summed * 1000:.1f} ms / "
                         f"{live * 1000:.0f} ms)")
            lines.append(_ratio_to_own_sql(app, f"  {label}, from the summary", lambda c=call: c(False), 1.5))
    return lines


def _page_once(app: Flask, url: str, user_login: str) -> float:
    """One request's wall time (the live pages take tens of seconds at a million lines: no warm-up, no replay)."""
    from bench.harness import sign_in

    client = app.test_client()
    sign_in(app, client, user_login)
    started = time.perf_counter()
    response = client.get(url)
    took = time.perf_counter() - started
    if response.status_code >= 400:
        raise RuntimeError(f"{url} answered HTTP {response.status_code}: nothing to measure")
    return took


def spread_channels_and_shops(app: Flask) -> None:
    """Four channels and six shops over the benchmark's orders (which are all Tmall, from no shop)."""
    from sqlalchemy import case, update

    from core.extensions import db
    from plugins.pipeline.models import Order

    with app.app_context():
        slot = Order.id % 6
        db.session.execute(update(Order).values(
            channel=case((slot < 2, "tmall"), (slot < 4, "jd"), (slot == 4, "douyin"), else_="direct"),
            shop=case((slot == 0, "天猫旗舰店"), (slot == 1, "天猫专卖店"), (slot == 2, "京东自营店"),
                      (slot == 3, "京东旗舰店"), (slot == 4, "抖音小店"), else_=None)))
        db.session.commit()


def set_targets(app: Flask) -> int:
    """An annual target and twelve monthly ones this year for every representative who took orders (the pipeline
    benchmark sets none), so that the representatives' target completion has targets to measure against."""
    from decimal import Decimal

    from sqlalchemy import insert, select

    from core.extensions import db
    from core.identity.models import User
    from plugins.pipeline.models import Order, SalesTarget

    with app.app_context():
        year = date.today().year
        manager = db.session.scalar(select(User.id).where(User.login == "manager"))
        reps = list(db.session.scalars(select(Order.owner_id).distinct()))
        yearly, monthly = Decimal("3600000"), Decimal("300000")
        rows = [{"year": year, "user_id": None, "month": None, "amount": yearly * len(reps), "set_by_id": manager}]
        for rep in reps:
            rows.append({"year": year, "user_id": rep, "month": None, "amount": yearly, "set_by_id": manager})
            rows += [{"year": year, "user_id": rep, "month": m, "amount": monthly, "set_by_id": manager}
                     for m in range(1, 13)]
        db.session.execute(insert(SalesTarget), rows)
        db.session.commit()
        return len(reps)


def _bare_group_by() -> Any:
    from sqlalchemy import func, select

    from core.extensions import db
    from plugins.pipeline.models import Order, OrderLine, Product

    month = (func.strftime("%Y-%m", Order.ordered_at) if db.engine.dialect.name == "sqlite"
             else func.to_char(Order.ordered_at, "YYYY-MM"))
    return (select(month, Product.category, func.sum(OrderLine.revenue))
            .join(Order, Order.id == OrderLine.order_id).join(Product, Product.id == OrderLine.product_id)
            .where(Order.status != "cancelled").group_by(month, Product.category))


def pdf_ratio(app: Flask) -> str:
    from flask_babel import force_locale
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from core.extensions import db
    from core.identity.models import User
    from core.pdf import font_face_css, render_html
    from plugins.analytics.services import monthly

    with app.test_request_context(), force_locale("zh_Hans"):
        manager = db.session.scalar(db.select(User).where(User.login == "manager"))
        first = date.today().replace(day=1)
        sql = time_call(lambda: monthly.figures(db.session, manager, first), repeat=3)
        data = monthly.figures(db.session, manager, first)
        ours = time_call(lambda: monthly.print_pdf(data), repeat=3)
        html = render_html(monthly.TEMPLATE, **monthly.pdf_context(data))

        def weasyprint_alone() -> bytes:
            fonts = FontConfiguration()
            return HTML(string=html).write_pdf(stylesheets=[CSS(string=font_face_css(), font_config=fonts)],
                                               font_config=fonts)

        alone = time_call(weasyprint_alone, repeat=3)
    return (f"{'monthly report PDF / WeasyPrint alone':<44} ratio = {ours / alone:5.2f}  (target ≤ 1.5; "
            f"{ours * 1000:.0f} ms / {alone * 1000:.0f} ms; its figures' SQL before that: {sql * 1000:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000, help="order lines to build (default 1,000,000)")
    parser.add_argument("--deals", type=int, default=2_000, help="open deals to build (default 2,000)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--summary-only", action="store_true",
                        help="stop after the summary's figures and pages (skip the live-only figures and the PDF)")
    args = parser.parse_args()
    with bench_app("crm", "pipeline", "analytics") as app:
        started = time.perf_counter()
        build_data(app, args.lines, args.deals, random.Random(args.seed))
        print(f"built {args.lines:,} order lines in {time.perf_counter() - started:.0f} s on "
              f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}", flush=True)
        spread_channels_and_shops(app)
        print(f"targets set for {set_targets(app)} representatives (a year's and each month's)", flush=True)
        analyze(app)
        for line in summary_ratios(app):
            print(line, flush=True)
        year = date.today().year
        explorer = "/analytics/explore?dataset=pipeline.order_lines&row1=date&column=channel&aggregate=sum&measure=revenue"
        for label, url in (("sales analysis page", f"/analytics/?year={year}"), ("explorer: month × channel", explorer)):
            summed = time_page(app, url, "manager", repeat=3)
            print(summed.report(f"{label} (summary)"), flush=True)
            live = _page_once(app, f"{url}&live=1", "manager")
            print(f"{label + ' (live, one request)':<40} page {live * 1000:.0f} ms", flush=True)
            print(f"{label + ': with the summary / live':<44} ratio = {summed.page_seconds / live:6.4f}", flush=True)
        if args.summary_only:
            return
        print(time_page(app, f"/analytics/customers?year={year}", "manager", repeat=1)
              .report("customer behaviour page (live only)"), flush=True)
        for line in figure_ratios(app):
            print(line, flush=True)
        print(pdf_ratio(app))


if __name__ == "__main__":
    main()
