"""CRM benchmark (issue 5 "Performance"): prints ratios, not seconds.

Builds the issue's sizes by default: 10,000 customers, measured, then grown to 100,000 customers with 1,000,000
interactions (10 a customer), measured again. For each page it prints page / SQL (target at most 2 at 100,000
customers) and, at the end, page at 100,000 / page at 10,000 (target at most 1.5). The pages: the customer list
(plain, searched by the start of a name and of a phone, by a word inside a name and by a phone's last digits,
filtered by grade and owner, sorted by name, page 200) and a customer's
page, each as a representative (own customers), a supervisor (a team of five) and a manager (all). Last, the regrade
of every customer against a plain ``SELECT count(*)`` over the same rows.

Each line also shows (page - shell) / SQL: the page time less that of a page with almost no SQL (the import form),
i.e. the CRM's own Python work beside its SQL, since the shell's fixed cost (menu, notifications, layout: the
core's) dominates whenever the SQL takes a millisecond or two. The query counts of these pages are fixed whatever
the data size; plugins/crm/tests/test_pages.py asserts that.

    .venv/bin/python -m bench.crm_bench                                  # 10,000 then 100,000 customers
    .venv/bin/python -m bench.crm_bench --small 2000 --large 20000       # a quicker run
    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.crm_bench
    # only the large size, only the pages whose label contains "last phone", then where their Python goes:
    .venv/bin/python -m bench.crm_bench --large-only --page "last phone" --profile 200
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import timedelta
from decimal import Decimal

from flask import Flask
from sqlalchemy import func, insert, select, text

from bench.harness import PageTiming, bench_app, profile_page, time_call, time_page

INTERACTIONS_PER_CUSTOMER = 10
SUPERVISORS = 4
REPS_PER_SUPERVISOR = 5
TAGS = ("重点", "老客户", "经销商", "展会", "华东", "华南", "华北", "线上", "样品", "招标", "VIP", "待跟进")
#: Customers per round of INSERTs (executemany): interactions are ten times as many rows.
CHUNK = 5000
#: Deep page of the manager's list: the same page at both sizes, so that the two are comparable.
DEEP_PAGE = 200


def build_people(app: Flask) -> None:
    """A sales manager, supervisors sup0..sup3 with five representatives each (rep0..rep19)."""
    from core.extensions import db
    from core.identity.users import create_user

    with app.app_context():
        manager = create_user(db.session, login="manager", name="经理", roles=["sales_manager"],
                              position="sales_manager")
        for s in range(SUPERVISORS):
            supervisor = create_user(db.session, login=f"sup{s}", name=f"主管{s}", roles=["sales_supervisor"],
                                     position="sales_supervisor", superior_id=manager.id)
            for r in range(REPS_PER_SUPERVISOR):
                n = s * REPS_PER_SUPERVISOR + r
                create_user(db.session, login=f"rep{n}", name=f"代表{n:02d}", roles=["sales_rep"],
                            position="sales_rep", superior_id=supervisor.id)
        db.session.commit()


def build(app: Flask, customers: int, start: int = 0) -> None:
    """Add customers start+1..customers (ids given) with a contact, tags, interactions and shop purchases, in bulk
    inserts of lists of dicts (no ORM objects)."""
    from core.extensions import db
    from core.identity.models import User
    from core.timeutil import local_today, utcnow
    from plugins.crm.models import Contact, Customer, CustomerTag, Interaction, Purchase

    rng = random.Random(start)
    with app.app_context():
        reps = list(db.session.scalars(select(User.id).where(User.position == "sales_rep").order_by(User.id)))
        now = utcnow()
        today = local_today()
        for first in range(start + 1, customers + 1, CHUNK):
            ids = range(first, min(first + CHUNK, customers + 1))
            rows, tags, contacts, notes, purchases = [], [], [], [], []
            for cid in ids:
                rows.append({"id": cid, "kind": "company", "name": f"客户{cid:06d}科技有限公司",
                             "name_key": f"客户{cid:06d}科技", "state": "customer", "phone": f"138{cid:08d}",
                             "email": f"c{cid}@example.cn", "region": rng.choice(["北京", "上海", "广州"]),
                             "owner_id": rng.choice(reps), "grade": rng.choice("ABC"),
                             "potential_value": Decimal(rng.randint(0, 300000)), "grade_locked": False,
                             "orders_count": 0, "purchase_amount": Decimal(0), "completeness": rng.randint(40, 100),
                             "contacts_count": 1, "archived": False, "created_at": now - timedelta(minutes=cid),
                             "updated_at": now - timedelta(minutes=rng.randint(0, 500_000))})
                tags += [{"customer_id": cid, "tag": tag} for tag in rng.sample(TAGS, rng.randint(0, 2))]
                contacts.append({"id": cid, "customer_id": cid, "name": "联系人", "is_primary": True,
                                 "created_at": now})
                notes += [{"customer_id": cid, "user_id": rng.choice(reps), "kind": "call", "summary": "电话沟通",
                           "occurred_at": now - timedelta(days=k, minutes=cid % 600), "next_step_done": False,
                           "created_at": now} for k in range(INTERACTIONS_PER_CUSTOMER)]
                purchases += [{"customer_id": cid, "shop": "天猫", "reference": f"{cid}-{k}",
                               "amount": Decimal(rng.randint(10, 9000)),
                               "ordered_on": today - timedelta(days=rng.randint(1, 300)), "created_at": now}
                              for k in range(rng.randint(0, 4))]
            for model, values in ((Customer, rows), (CustomerTag, tags), (Contact, contacts),
                                  (Interaction, notes), (Purchase, purchases)):
                if values:
                    db.session.execute(insert(model), values)
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # Ids were given explicitly: move the sequences on, as a restore would.
            for table in (Customer.__table__, Contact.__table__):
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                        f"(SELECT max(id) FROM {table.name}))"))
            db.session.commit()


def analyze(app: Flask) -> None:
    """Fresh planner statistics and visibility map, as PostgreSQL's autovacuum keeps them after a bulk load. SQLite
    is left without sqlite_stat1, as a deployment that never runs ANALYZE has it."""
    from core.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))


def pages(app: Flask) -> list[tuple[str, str, str]]:
    """(label, URL, login) of every page measured; the customer shown belongs to rep0, whom all three reach."""
    from core.extensions import db
    from core.identity.models import User
    from plugins.crm.models import Customer

    with app.app_context():
        rep0 = db.session.scalar(select(User.id).where(User.login == "rep0"))
        customer = db.session.scalar(select(func.max(Customer.id)).where(Customer.owner_id == rep0))
    result = []
    for role, login in (("rep", "rep0"), ("supervisor", "sup0"), ("manager", "manager")):
        result += [
            (f"{role}: list", "/crm/customers", login),
            (f"{role}: search name", "/crm/customers?q=客户0001", login),
            (f"{role}: search phone", "/crm/customers?q=138 0000 12", login),
            (f"{role}: search inside name", "/crm/customers?q=12科技", login),
            (f"{role}: search last phone digits", "/crm/customers?q=0012", login),
            (f"{role}: grade A, owner rep0, by name", f"/crm/customers?grade=A&owner={rep0}&sort=name", login),
            (f"{role}: by name", "/crm/customers?sort=name", login),
            (f"{role}: customer page", f"/crm/customers/{customer}", login),
        ]
    result.append((f"manager: list page {DEEP_PAGE}", f"/crm/customers?page={DEEP_PAGE}", "manager"))
    return result


def measure(app: Flask, size: int, wanted: list[str] | None = None) -> dict[str, PageTiming]:
    """Every page's timing (only those whose label contains one of ``wanted``, when given)."""
    shell = time_page(app, "/crm/import", "manager")
    print(shell.report(f"{size:,}: shell baseline (import form)"))
    results = {}
    for label, url, login in chosen_pages(app, wanted):
        timing = time_page(app, url, login)
        own = max(timing.page_seconds - shell.page_seconds, 0.0)
        print(f"{timing.report(f'{size:,}: {label}')}   (page - shell) / SQL = {own / timing.sql_seconds:5.2f}")
        results[label] = timing
    return results


def chosen_pages(app: Flask, wanted: list[str] | None) -> list[tuple[str, str, str]]:
    """``pages``, only those whose label contains one of ``wanted`` when it is given."""
    return [page for page in pages(app) if not wanted or any(text in page[0] for text in wanted)]


def regrade_ratio(app: Flask) -> tuple[float, float, int]:
    """Regrade time / count(*) time over the same rows, for the first regrade (which changes every customer's
    figures) and for the next ones (a nightly regrade, which changes few), and the statements one regrade runs."""
    from bench.harness import SQLRecorder
    from core.extensions import db
    from plugins.crm.models import Customer
    from plugins.crm.services.grading import regrade

    with app.app_context():
        def grade() -> None:
            regrade(db.session)
            db.session.commit()

        count = time_call(lambda: db.session.scalar(select(func.count(Customer.id))
                                                    .where(Customer.merged_into_id.is_(None))))
        with SQLRecorder(db.engine) as recorder:
            first = time_call(grade, repeat=1)
        return first / count, time_call(grade, repeat=3) / count, len(recorder.statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=10_000, help="customers at the small size (default 10,000)")
    parser.add_argument("--large", type=int, default=100_000, help="customers at the large size (default 100,000)")
    parser.add_argument("--large-only", action="store_true",
                        help="build the large size at once and measure only it (no large / small, no regrade)")
    parser.add_argument("--page", action="append", metavar="TEXT",
                        help="measure only the pages whose label contains TEXT (repeatable), e.g. 'supervisor: list'")
    parser.add_argument("--profile", type=int, default=0, metavar="REQUESTS",
                        help="then, for each page measured at the large size, its CPU beside its SQL and a cProfile "
                             "of REQUESTS requests (bench.harness.profile_page)")
    parser.add_argument("--functions", type=int, default=30, help="functions the profile lists (default 30)")
    args = parser.parse_args()
    with bench_app("crm") as app:
        engine = app.extensions["netsales"]
        with app.app_context():
            from core.setup import disable_plugins

            for dependent in engine.enabled_dependents("crm"):
                disable_plugins(app, dependent)  # grading from CRM's own purchases
        build_people(app)
        measured = {}
        sizes = ((0, args.large),) if args.large_only else ((0, args.small), (args.small, args.large))
        for start, size in sizes:
            started = time.perf_counter()
            build(app, size, start=start)
            analyze(app)
            print(f"built {size:,} customers with {size * INTERACTIONS_PER_CUSTOMER:,} interactions "
                  f"({time.perf_counter() - started:.0f} s) on {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}")
            measured[size] = measure(app, size, args.page)
        if args.profile:
            for label, url, login in chosen_pages(app, args.page):
                print(f"--- {label}")
                profile_page(app, url, login, args.profile, args.functions)
        if args.large_only:
            return
        small, large = measured[args.small], measured[args.large]
        for label in small:
            ratio = large[label].page_seconds / small[label].page_seconds
            print(f"{label:<36} page at {args.large:,} / page at {args.small:,} = {ratio:5.2f}")
        first, ratio, statements = regrade_ratio(app)
        print(f"regrade of {args.large:,} customers / SELECT count(*) = {ratio:,.0f}   ({statements} statements; "
              f"first regrade, every customer's figures changing: {first:,.0f})")


if __name__ == "__main__":
    main()
