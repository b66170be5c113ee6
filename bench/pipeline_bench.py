"""Benchmark of the sales pipeline (issue 6 "Performance"): prints ratios, not seconds.

- page / SQL for the board, the deal list and the order list (target at most 2);
- the pipeline.revenue KPI for every representative for one month / one SQL GROUP BY over the same rows (target at
  most 1.5), and, for information, all seven KPIs together (plugins.pipeline.kpis.sales_kpis, five statements) /
  the same GROUP BY;
- the quotation PDF through core.pdf.render_pdf / WeasyPrint writing the same HTML to a file directly (target at
  most 1.5).

By default it builds the issue's size, 1,000,000 order lines and 20,000 open deals (bulk inserts of lists of dicts in
chunks: about two minutes on a small machine); the sizes are parameters for a quicker look:

    .venv/bin/python -m bench.pipeline_bench                         # 1,000,000 lines, 20,000 deals, SQLite
    .venv/bin/python -m bench.pipeline_bench --lines 100000 --deals 5000
    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.pipeline_bench

Where a page's Python goes (issue 18): ``--profile 40`` prints the CPU a request of ``--url`` (default the
supervisor's board; ``--login``) and its 40 costliest functions over ``--requests`` requests; ``--dump DIR`` writes
the HTML of the boards and deal lists in en and zh_Hans, to compare before and after a change (``diff -r``).

    .venv/bin/python -m bench.pipeline_bench --lines 20000 --profile 40
    .venv/bin/python -m bench.pipeline_bench --lines 20000 --dump /tmp/pipeline-before

Old against new, paired: ``--profile 0 --stdin-rounds`` builds the data, warms the page up, prints "ready", then
makes ``--requests`` requests of ``--url`` for each line it reads and prints their CPU ms a request. A driver runs
one copy of the code before the change and one after, and sends each a line in turn: both see the same load.

    .venv/bin/python -m bench.pipeline_bench --lines 20000 --profile 0 --stdin-rounds --requests 50 \
        --url /pipeline/quotations --login sup0
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, insert, select

from bench.harness import bench_app, profile_page, time_call, time_page
from core.timeutil import local_today

REPS = 40
CUSTOMERS = 2000
PRODUCTS = 40
#: Rows per insert() call: large enough that the driver's executemany does the work, small enough for memory.
BATCH = 20_000


def build_data(app: Flask, lines: int, deals: int, rng: random.Random) -> None:
    """A manager, supervisors, ``REPS`` representatives, customers, products, orders of 1–3 lines spread over two
    years, and open deals in every stage: bulk inserts in batches."""
    from core.extensions import db
    from core.identity.users import create_user
    from core.timeutil import utcnow
    from plugins.crm.models import Customer
    from plugins.pipeline.models import STAGES, Deal, Order, OrderLine, Product, Quotation

    with app.app_context():
        manager = create_user(db.session, login="manager", name="经理", roles=["sales_manager"],
                              position="sales_manager", password="bench-password-1")
        supervisors = [create_user(db.session, login=f"sup{i}", name=f"主管{i}", roles=["sales_supervisor"],
                                   position="sales_supervisor", superior_id=manager.id, password="bench-password-1")
                       for i in range(4)]
        reps = [create_user(db.session, login=f"rep{i}", name=f"代表{i}", roles=["sales_rep"], position="sales_rep",
                            superior_id=supervisors[i % 4].id, password="bench-password-1") for i in range(REPS)]
        db.session.flush()
        rep_ids = [r.id for r in reps]
        customer_ids = list(db.session.scalars(insert(Customer).returning(Customer.id, sort_by_parameter_order=True), [
            {"name": f"客户{i}", "name_key": f"客户{i}", "owner_id": rep_ids[i % REPS], "state": "customer",
             "kind": "company"} for i in range(CUSTOMERS)]))
        products = [Product(sku=f"B-{i:03d}", name=f"产品{i}", category=f"类别{i % 5}",
                            list_price=Decimal(100 + i * 10), cost=Decimal(50 + i * 5), tax_rate=Decimal("0.13"))
                    for i in range(PRODUCTS)]
        db.session.add_all(products)
        db.session.flush()
        now = utcnow()
        made = 0
        order_number = 0
        while made < lines:
            orders, baskets = [], []
            for _ in range(min(BATCH, lines - made)):
                customer = rng.randrange(CUSTOMERS)
                order_number += 1
                orders.append({"number": f"B-{order_number:08d}", "channel": "tmall", "version": 1,
                               "customer_id": customer_ids[customer], "owner_id": rep_ids[customer % REPS],
                               "status": "completed", "ordered_at": now - timedelta(minutes=rng.randrange(1051200)),
                               "total": Decimal("0"), "cost_total": Decimal("0")})
                baskets.append(rng.randint(1, 3))
            ids = list(db.session.scalars(insert(Order).returning(Order.id, sort_by_parameter_order=True), orders))
            rows = []
            for order_id, count in zip(ids, baskets, strict=True):
                for _ in range(count):
                    product = products[rng.randrange(PRODUCTS)]
                    rows.append({"order_id": order_id, "product_id": product.id, "quantity": Decimal(1),
                                 "unit_price": product.list_price, "revenue": product.list_price, "cost": product.cost})
            db.session.execute(insert(OrderLine), rows)
            made += len(rows)
        for start in range(0, deals, BATCH):
            batch = [{"title": f"商机{i}", "customer_id": customer_ids[i % CUSTOMERS], "owner_id": rep_ids[i % REPS],
                      "stage": STAGES[i % 6], "status": "open", "expected_value": Decimal(1000 + i % 50 * 100),
                      "version": 1, "stage_entered_at": now - timedelta(minutes=i)}
                     for i in range(start, min(deals, start + BATCH))]
            deal_ids = db.session.scalars(insert(Deal).returning(Deal.id, sort_by_parameter_order=True), batch).all()
            # One deal in ten has a quotation waiting for a discount approval (the approval queue's rows).
            db.session.execute(insert(Quotation), [
                {"number": f"BQ-{deal_id:08d}", "revision": 1, "deal_id": deal_id, "owner_id": row["owner_id"],
                 "state": "pending_approval", "approval_level": "supervisor", "max_discount": Decimal("12"),
                 "valid_until": now.date() + timedelta(days=30), "total": Decimal("1000")}
                for deal_id, row in list(zip(deal_ids, batch, strict=True))[::10]])
        db.session.commit()
    analyze(app)


def analyze(app: Flask) -> None:
    """Planner statistics (and, on PostgreSQL, the visibility map index-only scans need), as autovacuum gives a
    running database after a bulk load: without them the first minutes after the load are measured, not the app."""
    from sqlalchemy import text

    from core.extensions import db

    with app.app_context():
        engine = db.engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))


def kpi_ratio(app: Flask) -> str:
    """pipeline.revenue for all representatives for last month / the one GROUP BY it should amount to."""
    from core.extensions import db
    from core.identity.models import User
    from core.timeutil import month_period, period_bounds
    from plugins.pipeline.kpis import revenue, sales_kpis
    from plugins.pipeline.models import Order, OrderLine

    with app.app_context():
        ids = list(db.session.scalars(select(User.id).where(User.position == "sales_rep")))
        first = local_today().replace(day=1) - timedelta(days=1)
        period = month_period(first.year, first.month)
        start, end = period_bounds(period)
        raw = (select(Order.owner_id, func.sum(OrderLine.revenue)).join(OrderLine, OrderLine.order_id == Order.id)
               .where(Order.owner_id.in_(ids), Order.status != "cancelled", Order.ordered_at >= start,
                      Order.ordered_at < end)
               .group_by(Order.owner_id))
        sql_time = time_call(lambda: db.session.execute(raw).all())
        kpi_time = time_call(lambda: revenue(ids, period))
        all_time = time_call(lambda: sales_kpis(ids, period))
        return f"{'KPI pipeline.revenue, all reps, one month':<40} KPI/GROUP BY = {kpi_time / sql_time:5.2f}   " \
               f"({len(ids)} reps, KPI {kpi_time * 1000:.1f} ms, GROUP BY {sql_time * 1000:.1f} ms)\n" \
               f"{'all 7 KPIs (sales_kpis), same reps/month':<40} KPIs/GROUP BY = {all_time / sql_time:5.2f}   " \
               f"(KPIs {all_time * 1000:.1f} ms, GROUP BY {sql_time * 1000:.1f} ms)"


def quotation_of_eight_lines(session: Any) -> Any:
    """A quotation of 8 products on the first deal, by its owner (in an app and request context): what the PDF
    benchmarks print."""
    from core.identity.models import User
    from plugins.pipeline.models import Deal, Product
    from plugins.pipeline.services.quotations import LineInput, create_quotation

    deal = session.scalar(select(Deal).limit(1))
    owner = session.get(User, deal.owner_id)
    product_ids = list(session.scalars(select(Product.id).limit(8)))
    quotation = create_quotation(session, deal, owner, [LineInput(pid, Decimal(2)) for pid in product_ids],
                                 local_today() + timedelta(days=30), "方案说明", "款到发货")
    session.commit()
    return quotation


def pdf_ratio(app: Flask) -> str:
    """render_pdf (template + CJK font + restricted fetcher) / WeasyPrint writing the same HTML to a file."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from core.extensions import db
    from core.pdf import font_face_css
    from plugins.pipeline.pdf import quotation_html, quotation_pdf

    with app.app_context(), app.test_request_context():
        quotation = quotation_of_eight_lines(db.session)
        html = quotation_html(quotation)
        target = Path(tempfile.mkdtemp()) / "direct.pdf"
        ours = time_call(lambda: quotation_pdf(quotation))

        def direct_pdf() -> None:  # the same HTML and the same embedded CJK font, straight to a file
            fonts = FontConfiguration()
            HTML(string=html).write_pdf(target, stylesheets=[CSS(string=font_face_css(), font_config=fonts)],
                                        font_config=fonts)

        direct = time_call(direct_pdf)
        return f"{'quotation PDF':<40} render_pdf/WeasyPrint = {ours / direct:5.2f}   " \
               f"(ours {ours * 1000:.0f} ms, direct {direct * 1000:.0f} ms)"


#: (login, URL) of the pages ``--dump`` writes: boards (open, won, one owner, deep columns) and deal lists.
DUMPED = [("sup0", "/pipeline/board"), ("manager", "/pipeline/board"), ("manager", "/pipeline/board?show=won"),
          ("manager", "/pipeline/board?owner=7&page_development=3&page_proposal=2"), ("rep1", "/pipeline/board"),
          ("manager", "/pipeline/deals"), ("manager", "/pipeline/deals?stage=negotiation&sort=-value"),
          ("sup0", "/pipeline/deals?page=3&per_page=100"), ("manager", "/pipeline/deals?q=商机12&sort=close"),
          ("manager", "/pipeline/deals?group=stage"), ("rep1", "/pipeline/deals?status=won")]


def stdin_rounds(app: Flask, url: str, login: str, requests: int) -> None:
    """``requests`` requests of ``url`` as ``login`` for each line read on stdin, the CPU ms a request printed."""
    import sys

    from bench.harness import cpu_per_request, sign_in

    client = app.test_client()
    sign_in(app, client, login)
    for _ in range(20):
        client.get(url)  # warm: compiled statements, templates, catalogues
    print("ready", flush=True)
    for _line in sys.stdin:
        print(f"{cpu_per_request(app, client, url, requests, rounds=1)[0] * 1000:.4f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000, help="order lines to build (default 1,000,000)")
    parser.add_argument("--deals", type=int, default=20_000, help="open deals to build (default 20,000)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=7, help="requests a page's median is taken over (default 7; "
                        "more on a busy machine)")
    parser.add_argument("--profile", type=int, metavar="N", help="CPU a request and a cProfile's N costliest "
                        "functions (0: the CPU alone), instead of the benchmark")
    parser.add_argument("--url", default="/pipeline/board", help="the page --profile requests (default the board)")
    parser.add_argument("--login", default="sup0", help="who --profile signs in as (default sup0, a supervisor)")
    parser.add_argument("--requests", type=int, default=300, help="requests --profile makes (default 300)")
    parser.add_argument("--dump", type=Path, metavar="DIR", help="write the boards' and deal lists' HTML here")
    parser.add_argument("--stdin-rounds", action="store_true",
                        help="with --profile: after the warm-up, --requests requests of --url for each line read on "
                             "stdin, their CPU ms a request printed (a driver alternates two copies of the code)")
    args = parser.parse_args()
    with bench_app("crm", "pipeline") as app:
        started = time.perf_counter()
        build_data(app, args.lines, args.deals, random.Random(args.seed))
        if args.profile is not None or args.dump:
            from bench.appraisal_bench import dump

            if args.dump:
                dump(app, DUMPED, args.dump)
            elif args.stdin_rounds:
                stdin_rounds(app, args.url, args.login, args.requests)
            else:
                profile_page(app, args.url, args.login, args.requests, args.profile)
            return
        print(f"built {args.lines:,} order lines and {args.deals:,} open deals in "
              f"{time.perf_counter() - started:.0f} s on {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}")
        for label, url, login in (("board (manager, all deals)", "/pipeline/board", "manager"),
                                  ("board (supervisor, team)", "/pipeline/board", "sup0"),
                                  ("deal list (manager)", "/pipeline/deals", "manager"),
                                  ("deal list, filtered and sorted", "/pipeline/deals?stage=negotiation&sort=-value",
                                   "manager"),
                                  ("order list (manager)", "/pipeline/orders", "manager"),
                                  ("order list (representative)", "/pipeline/orders", "rep1"),
                                  ("approval queue (supervisor)", "/pipeline/approvals", "sup0"),
                                  ("quotation list (supervisor)", "/pipeline/quotations", "sup0"),
                                  ("quotation list (representative)", "/pipeline/quotations", "rep0"),  # rep1: none
                                  ("targets (manager)", "/pipeline/targets", "manager")):
            print(time_page(app, url, login, repeat=args.repeat).report(label), flush=True)
        print(kpi_ratio(app))
        print(pdf_ratio(app))


if __name__ == "__main__":
    main()
