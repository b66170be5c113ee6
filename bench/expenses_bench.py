"""Benchmark of the expenses plugin (issue 7 "Performance"): prints ratios, not seconds.

Builds the issue's size by default (200,000 claims, 1,000,000 lines) and prints page / SQL (target at most 2) for
the department head's review queue, finance's two queues (re-review, to pay), the claim list (company-wide, a
team's, one representative's, filtered and sorted, a deep page, searched by number or title words) and the budget
page (plain and sorted by what is left). The query counts of these pages are fixed whatever the row count; the
tests assert that (plugins/expenses/tests/test_web.py, test_claim_search.py). Each line also shows (page − shell) / SQL: the page time less that of a page
with almost no SQL (the categories page), i.e. the list's own Python work beside its SQL, since the shell's fixed
cost (menu, notifications, layout: core's) dominates whenever the SQL takes a few milliseconds.

    .venv/bin/python -m bench.expenses_bench                                  # 200,000 claims, 1,000,000 lines
    .venv/bin/python -m bench.expenses_bench --claims 20000 --lines 100000    # a quicker run
    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.expenses_bench

Where a page's Python goes (issue 18), on a smaller build: ``--profile N`` requests each of PROFILED pages
``--requests`` times and prints the CPU a request (``process_time``: the machine is shared) beside its SQL replayed
alone, and the N costliest functions of a cProfile; ``--dump DIR`` writes the HTML of the claim pages in en and
zh_Hans, to compare before and after a change (``diff -r``).

    .venv/bin/python -m bench.expenses_bench --claims 20000 --lines 100000 --profile 30 --requests 300
    .venv/bin/python -m bench.expenses_bench --claims 20000 --lines 100000 --dump /tmp/expenses-html
"""

from __future__ import annotations

import argparse
import random
import re
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from flask import Flask
from sqlalchemy import insert, select, text

from bench.harness import bench_app, profile_page, set_locale, sign_in, time_page

DEPARTMENTS = 20
REPS_PER_DEPARTMENT = 10
#: Rows per INSERT statement (executemany): large enough to amortise the round trip, small enough for memory.
CHUNK = 10_000
#: How claims are spread over the states (R9.2.2–R9.2.3): most are paid, a fair share waits in each queue.
STATE_WEIGHTS = {"draft": 10, "submitted": 15, "dept_head_approved": 10, "finance_approved": 10, "paid": 45,
                 "returned": 5, "rejected": 5}
#: Days back over which claims and their expenses are spread (this year and last).
SPREAD_DAYS = 540


def build_people(app: Flask) -> dict[int, tuple[int, int]]:
    """A sales manager, finance, and per department a head and representatives. Returns rep id → (department id,
    head id)."""
    from core.extensions import db
    from core.identity.models import Department
    from core.identity.users import create_user

    with app.app_context():
        manager = create_user(db.session, login="manager", name="经理", roles=["sales_manager"])
        create_user(db.session, login="finance", name="财务", roles=["finance"])
        reps: dict[int, tuple[int, int]] = {}
        for d in range(DEPARTMENTS):
            department = Department(name=f"销售{d:02d}部")
            db.session.add(department)
            db.session.flush()
            head = create_user(db.session, login=f"head{d}", name=f"部长{d}", roles=["department_head"],
                               department_id=department.id, superior_id=manager.id)
            department.head_id = head.id
            for r in range(REPS_PER_DEPARTMENT):
                rep = create_user(db.session, login=f"rep{d}-{r}", name=f"代表{d}-{r}", roles=["sales_rep"],
                                  department_id=department.id, superior_id=head.id)
                reps[rep.id] = (department.id, head.id)
        db.session.commit()
        return reps


def build_budgets(app: Flask) -> int:
    """An approved budget for every department and category of this year (R9.1.1). Returns the year."""
    from core.extensions import db
    from core.identity.models import Department, User
    from core.timeutil import local_today
    from plugins.expenses.models import Budget, Category
    from plugins.expenses.services import ensure_default_categories

    with app.app_context():
        year = local_today().year
        ensure_default_categories(db.session)
        manager = db.session.scalar(select(User.id).where(User.login == "manager"))
        categories = list(db.session.scalars(select(Category.id)))
        departments = list(db.session.scalars(select(Department.id)))
        db.session.execute(insert(Budget.__table__), [
            {"department_id": d, "category_id": c, "year": year, "amount": Decimal("2000000.00"),
             "state": "approved", "note": "", "created_by_id": manager, "created_at": datetime(year, 1, 1),
             "approved_by_id": manager, "version": 1}
            for d in departments for c in categories])
        db.session.commit()
        return year


def _claim_row(claim_id: int, state: str, claimant: int, department: int, head: int, total: Decimal,
               created: datetime, step: timedelta) -> dict:
    submitted = created + step if state != "draft" else None
    return {
        "id": claim_id, "number": f"BX{claim_id:010d}", "title": f"差旅报销{claim_id}", "claimant_id": claimant,
        "department_id": department, "state": state, "approver_id": head if submitted else None, "total": total,
        "over_budget": claim_id % 50 == 0, "created_at": created, "updated_at": created, "version": 1,
        "first_submitted_at": submitted, "submitted_at": submitted,
        "dept_approved_at": created + 2 * step if state in ("dept_head_approved", "finance_approved", "paid")
        else None,
        "finance_approved_at": created + 3 * step if state in ("finance_approved", "paid") else None,
        "paid_at": created + 4 * step if state == "paid" else None, "reminded_at": None,
    }


def build_claims(app: Flask, reps: dict[int, tuple[int, int]], claims: int, lines: int,
                 rng: random.Random, now: datetime | None = None) -> None:
    """``claims`` claims over the representatives with ``lines`` lines in all, dated over this year and last,
    in every state; paid claims with their payment. Core bulk inserts (lists of dicts, executemany) in chunks,
    ids given up front so that no insert has to return them. ``now`` (default: the clock) pins the dates, so that
    two builds show the same ones."""
    from core.extensions import db
    from core.identity.models import User
    from core.timeutil import local_today, utcnow
    from plugins.expenses.models import Category, Claim, ClaimLine, Payment

    states = list(STATE_WEIGHTS)
    weights = list(STATE_WEIGHTS.values())
    rep_ids = list(reps)
    with app.app_context():
        now, today = now or utcnow(), local_today()
        finance = db.session.scalar(select(User.id).where(User.login == "finance"))
        categories = list(db.session.scalars(select(Category.id)))
        amounts = [Decimal(cents) / 100 for cents in range(500, 300_000, 7)]  # Decimal() per line is slow
        days = [today - timedelta(days=d) for d in range(SPREAD_DAYS)]
        connection = db.session.connection()
        line_id = 0
        for start in range(0, claims, CHUNK):
            headers, rows, payments = [], [], []
            for i in range(start, min(start + CHUNK, claims)):
                claim_id = i + 1
                state = rng.choices(states, weights)[0]
                claimant = rep_ids[i % len(rep_ids)]
                department, head = reps[claimant]
                total = Decimal("0.00")
                # Spread the lines evenly: claim i ends where line (i + 1) * lines / claims starts.
                for position in range((i + 1) * lines // claims - i * lines // claims):
                    line_id += 1
                    amount = rng.choice(amounts)
                    total += amount
                    invoice = f"FP{line_id:010d}"
                    rows.append({"id": line_id, "claim_id": claim_id, "position": position,
                                 "expense_date": rng.choice(days), "category_id": rng.choice(categories),
                                 "amount": amount, "description": "交通费", "invoice_number": invoice,
                                 "invoice_key": None if state == "rejected" else invoice})
                created = now - timedelta(minutes=rng.randrange(60 * 24 * SPREAD_DAYS))
                header = _claim_row(claim_id, state, claimant, department, head, total, created,
                                    timedelta(hours=rng.randrange(1, 96)))
                headers.append(header)
                if state == "paid":
                    payments.append({"id": claim_id, "claim_id": claim_id, "amount": total,
                                     "paid_on": header["paid_at"].date(), "method": "bank_transfer",
                                     "reference": f"YH{claim_id}", "batch": None, "recorded_by_id": finance,
                                     "recorded_at": header["paid_at"]})
            connection.execute(insert(Claim.__table__), headers)
            for chunk in range(0, len(rows), CHUNK):
                connection.execute(insert(ClaimLine.__table__), rows[chunk:chunk + CHUNK])
            if payments:
                connection.execute(insert(Payment.__table__), payments)
            db.session.commit()
            connection = db.session.connection()
        if db.engine.dialect.name == "postgresql":
            # Ids were given explicitly: move the sequences on, as a restore would.
            for table in (Claim.__table__, ClaimLine.__table__, Payment.__table__):
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                        f"(SELECT max(id) FROM {table.name}))"))
            db.session.commit()


def vacuum_analyze(app: Flask) -> None:
    """Planner statistics and the visibility map, as PostgreSQL's autovacuum leaves them after a bulk load (index-only
    scans need the latter). SQLite is left without sqlite_stat1, as a deployment that never runs ANALYZE has it."""
    from core.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                for table in ("expenses_claim", "expenses_claim_line", "expenses_payment", "expenses_budget",
                              "expenses_claim_gram"):
                    connection.execute(text(f"VACUUM ANALYZE {table}"))


def pages(year: int) -> tuple[tuple[str, str, str], ...]:
    """(label, URL, login) of every page measured."""
    return (
        ("review queue (department head)", "/expenses/review", "head0"),
        ("finance queue: re-review", "/expenses/finance", "finance"),
        ("finance queue: to pay", "/expenses/finance?stage=pay", "finance"),
        ("finance queue: to pay, 500 a page", "/expenses/finance?stage=pay&per_page=500", "finance"),
        ("claim list (manager, all claims)", "/expenses/", "manager"),
        ("claim list, filtered and sorted", "/expenses/?state=paid&sort=-total", "manager"),
        ("claim list, searched", f"/expenses/?q=BX{1234:010d}", "manager"),
        *search_pages(),
        ("claim list, created in a month", f"/expenses/?since={year}-01-01&until={year}-01-31", "manager"),
        ("claim list, page 2,000 (offset 50,000)", "/expenses/?page=2000", "manager"),
        ("claim list (head, team)", "/expenses/", "head0"),
        ("claim list (representative, own)", "/expenses/", "rep0-0"),
        ("budget page (finance)", f"/expenses/budgets?year={year}", "finance"),
        ("budget page, by remaining", f"/expenses/budgets?year={year}&sort=remaining", "finance"),
    )


def search_pages() -> tuple[tuple[str, str, str], ...]:
    """The claim search (number or words of the title, found through the plugin's substring index): numbers are
    BX{id:010d} and titles 差旅报销{id} here, so "差旅" is in every title and "报销12345" in 11 of 200,000."""
    return (
        ("search: number prefix (100 claims)", "/expenses/?q=BX00000123", "manager"),
        ("search: whole number, lower case", f"/expenses/?q=bx{123456:010d}", "manager"),
        ("search: middle of a number", "/expenses/?q=0012345", "manager"),
        ("search: common title word (every claim)", "/expenses/?q=差旅", "manager"),
        ("search: common word, deep page", "/expenses/?q=差旅&page=2000", "manager"),
        ("search: common word (head, team)", "/expenses/?q=差旅", "head0"),
        ("search: rare title text (11 claims)", "/expenses/?q=报销12345", "manager"),
        ("search: two words", "/expenses/?q=差旅+报销12345", "manager"),
        ("search: no match", "/expenses/?q=北京", "manager"),
        ("search: rare, representative (own)", "/expenses/?q=报销12345", "rep0-0"),
        ("review queue, searched", "/expenses/review?q=报销1", "head0"),
        ("finance queue, searched", "/expenses/finance?q=差旅", "finance"),
        ("global search box, rare", "/search?q=报销12345", "manager"),
        ("global search box, common", "/search?q=差旅", "manager"),
    )


#: The pages ``--profile`` measures: rule 2's misses on PostgreSQL (bench/README.md, issue 18 part 6).
PROFILED = (("/expenses/finance?stage=pay&per_page=500", "finance"), ("/expenses/", "rep0-0"))
#: The pages ``--dump`` writes: the three claim tables, plain, sorted, filtered, searched, empty.
DUMPED = (("/expenses/finance?stage=pay&per_page=500", "finance"), ("/expenses/finance", "finance"),
          ("/expenses/finance?sort=-total&over_budget=1", "finance"), ("/expenses/", "rep0-0"),
          ("/expenses/?state=paid&sort=-total", "manager"), ("/expenses/?q=报销12345", "manager"),
          ("/expenses/?page=3&per_page=100", "manager"), ("/expenses/?q=北京", "manager"),
          ("/expenses/?group=state", "manager"), ("/expenses/review", "head0"), ("/expenses/review?q=报销1", "head0"))
#: A CSRF token differs at every sign-in: masked, so that two dumps compare equal.
_CSRF = re.compile(rb'(?<=csrf_token" value=")[^"]+|(?<="X-CSRFToken": ")[^"]+')


def profile(app: Flask, functions: int, requests: int) -> None:
    """CPU a request against the SQL replayed alone, and a cProfile, of each PROFILED page (in Chinese)."""
    for url, login in PROFILED:
        set_locale(app, login, "zh_Hans")
        profile_page(app, url, login, requests, functions)


def dump(app: Flask, folder: Path) -> None:
    """The HTML of every DUMPED page, in en and zh_Hans, under ``folder``/<locale>/."""
    for locale in ("en", "zh_Hans"):
        for number, (url, login) in enumerate(DUMPED):
            set_locale(app, login, locale)
            client = app.test_client()
            sign_in(app, client, login)
            response = client.get(url)
            (folder / locale).mkdir(parents=True, exist_ok=True)
            (folder / locale / f"{number}.html").write_bytes(_CSRF.sub(b"CSRF", response.data))
    print(f"wrote {len(DUMPED)} pages × 2 locales to {folder}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=200_000, help="claims to build (default 200,000)")
    parser.add_argument("--lines", type=int, default=1_000_000, help="claim lines in all (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", type=int, metavar="N", help="CPU a request of the PROFILED pages, and a "
                        "cProfile's N costliest functions (0: the CPU alone)")
    parser.add_argument("--requests", type=int, default=300, help="requests a page for --profile")
    parser.add_argument("--dump", type=Path, help="write the HTML of the claim pages in en and zh_Hans here")
    args = parser.parse_args()
    if args.lines < args.claims:
        parser.error("every claim needs at least one line: --lines must be at least --claims")
    with bench_app("expenses") as app:
        started = time.perf_counter()
        reps = build_people(app)
        year = build_budgets(app)
        # A dump's dates must not move with the clock: the build is pinned to a fixed moment.
        build_claims(app, reps, args.claims, args.lines, random.Random(args.seed),
                     datetime(2026, 12, 1, 9, 30) if args.dump else None)
        vacuum_analyze(app)
        print(f"built {args.claims:,} claims with {args.lines:,} lines in {time.perf_counter() - started:.0f} s "
              f"on {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}")
        if args.dump:
            dump(app, args.dump)
        if args.profile is not None:
            profile(app, args.profile, args.requests)
        if args.dump or args.profile is not None:
            return
        # The application shell (menu, notifications, layout) costs the same on every page whatever the data: shown
        # apart so that the lists' own work can be read beside their SQL.
        shell = time_page(app, "/expenses/categories", "finance")
        print(shell.report("shell baseline: categories page"))
        for label, url, login in pages(year):
            timing = time_page(app, url, login)
            own = max(timing.page_seconds - shell.page_seconds, 0.0)
            print(f"{timing.report(label)}   (page − shell) / SQL = {own / timing.sql_seconds:5.2f}")


if __name__ == "__main__":
    main()
