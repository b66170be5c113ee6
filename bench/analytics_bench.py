"""Benchmark of analytics (issue 16 "Performance"): prints ratios, not seconds.

- each dashboard figure (trend, channels, Pareto, customer behaviour, RFM, cohorts) / the same SQL statements
  replayed alone (target at most 1.5: the figures are aggregate statements, the Python around them is small);
- a pivot of every order line by month × category / its GROUP BY replayed alone (target at most 2), and / a
  hand-written GROUP BY over the bare order tables, without the data set's joins (for information);
- the sales analysis and explorer pages / their SQL (page/SQL, as the other benchmarks print it);
- the monthly report PDF / WeasyPrint writing the same HTML alone (target at most 1.5).

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
from bench.pipeline_bench import build_data


def _ratio_to_own_sql(app: Flask, label: str, call: Callable[[], Any], target: float) -> str:
    from core.extensions import db

    with SQLRecorder(db.engine) as recorder:
        call()
    statements = list(recorder.statements)
    whole = time_call(call)
    alone = min(sql_seconds(db.engine, statements) for _ in range(3))
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
        figures = [
            ("trend: revenue by month, two years", lambda: sales.monthly_trend(dataset, manager, today.year)),
            ("revenue by channel", lambda: sales.revenue_by(dataset, manager, "channel", start, end)),
            ("Pareto by product", lambda: sales.pareto(dataset, manager, "product", start, end)),
            ("customer behaviour (3 statements)", lambda: sales.customer_behaviour(dataset, manager, start, end)),
            ("RFM segments", lambda: sales.rfm_segments(dataset, manager)),
            ("cohorts", lambda: sales.cohorts(dataset, manager)),
        ]
        for label, call in figures:
            lines.append(_ratio_to_own_sql(app, label, call, 1.5))
        spec = PivotSpec("pipeline.order_lines", rows=("date",), column="category", measure="revenue",
                         aggregate="sum", grain="month")
        lines.append(_ratio_to_own_sql(app, "pivot month × category, every line", lambda: run(spec, dataset, manager),
                                       2.0))
        pivot = time_call(lambda: run(spec, dataset, manager))
        bare = time_call(lambda: db.session.execute(_bare_group_by()).all())
        lines.append(f"{'pivot / bare GROUP BY on the order tables':<44} ratio = {pivot / bare:5.2f}  "
                     f"(information: the data set joins customers, products and people for its scope and labels)")
    return lines


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
    args = parser.parse_args()
    with bench_app("crm", "pipeline", "analytics") as app:
        started = time.perf_counter()
        build_data(app, args.lines, args.deals, random.Random(args.seed))
        print(f"built {args.lines:,} order lines in {time.perf_counter() - started:.0f} s on "
              f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}", flush=True)
        for line in figure_ratios(app):
            print(line, flush=True)
        year = date.today().year
        for label, url in (("sales analysis page", f"/analytics/?year={year}"),
                           ("customer behaviour page", f"/analytics/customers?year={year}"),
                           ("explorer: month × channel", "/analytics/explore?dataset=pipeline.order_lines&row1=date"
                                                         "&column=channel&aggregate=sum&measure=revenue")):
            print(time_page(app, url, "manager", repeat=3).report(label), flush=True)
        print(pdf_ratio(app))


if __name__ == "__main__":
    main()
