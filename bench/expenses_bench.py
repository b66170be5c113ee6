"""Benchmark of the expenses plugin (issue 7 "Performance"): prints ratios, not seconds.

page / SQL for the department head's review queue, finance's two queues, the claim list (company-wide, one
representative's, filtered and sorted) and the budget page (target at most 2 each). The query counts of these pages
are fixed whatever the row count; the tests assert that (plugins/expenses/tests/test_web.py). Each line also shows
(page − shell) / SQL: the page time less that of a page with almost no SQL (the categories page), i.e. the list's own
Python work beside its SQL, since the shell's fixed cost dominates whenever the SQL takes a few milliseconds.

The issue's full size (200,000 claims, 1,000,000 lines) takes long to build on a small machine; sizes are
parameters:

    .venv/bin/python -m bench.expenses_bench                          # 20,000 claims, 100,000 lines, SQLite
    .venv/bin/python -m bench.expenses_bench --claims 200000 --lines 1000000
    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.expenses_bench
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import timedelta
from decimal import Decimal

from flask import Flask
from sqlalchemy import insert, select

from bench.harness import bench_app, time_page
from core.timeutil import local_today

DEPARTMENTS = 20
REPS_PER_DEPARTMENT = 10
BATCH = 5_000
#: How claims are spread over the states (R9.2.2–R9.2.3): most are paid, a fair share waits in each queue.
STATE_WEIGHTS = {"draft": 10, "submitted": 15, "dept_head_approved": 10, "finance_approved": 10, "paid": 45,
                 "returned": 5, "rejected": 5}


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


def build_budgets(app: Flask, year: int) -> None:
    """An approved budget for every department and category of ``year`` (R9.1.1)."""
    from core.extensions import db
    from core.identity.models import Department, User
    from plugins.expenses.models import Budget, Category
    from plugins.expenses.services import ensure_default_categories

    with app.app_context():
        ensure_default_categories(db.session)
        manager = db.session.scalar(select(User.id).where(User.login == "manager"))
        categories = list(db.session.scalars(select(Category.id)))
        departments = list(db.session.scalars(select(Department.id)))
        db.session.execute(insert(Budget), [
            {"department_id": d, "category_id": c, "year": year, "amount": Decimal("2000000.00"),
             "state": "approved", "note": "", "created_by_id": manager, "approved_by_id": manager, "version": 1}
            for d in departments for c in categories])
        db.session.commit()


def build_claims(app: Flask, reps: dict[int, tuple[int, int]], claims: int, lines: int,
                 rng: random.Random) -> None:
    """``claims`` claims over the representatives with ``lines`` lines in all, dated over this year and last,
    in every state; paid claims with their payment. Bulk inserts in batches."""
    from core.extensions import db
    from core.identity.models import User
    from core.timeutil import local_today, utcnow
    from plugins.expenses.models import Category, Claim, ClaimLine, Payment

    states = list(STATE_WEIGHTS)
    weights = list(STATE_WEIGHTS.values())
    rep_ids = list(reps)
    now = utcnow()
    today = local_today()
    with app.app_context():
        finance = db.session.scalar(select(User.id).where(User.login == "finance"))
        categories = list(db.session.scalars(select(Category.id)))
        line_number = 0
        for start in range(0, claims, BATCH):
            count = min(BATCH, claims - start)
            headers, baskets = [], []
            for i in range(start, start + count):
                # Spread the lines evenly: claim i ends where line (i + 1) * lines / claims starts.
                basket = [(today - timedelta(days=rng.randrange(540)), rng.choice(categories),
                           Decimal(rng.randrange(500, 300_000)) / 100)
                          for _ in range((i + 1) * lines // claims - i * lines // claims)]
                state = rng.choices(states, weights)[0]
                claimant = rep_ids[i % len(rep_ids)]
                department, head = reps[claimant]
                created = now - timedelta(minutes=rng.randrange(60 * 24 * 540))
                step = timedelta(hours=rng.randrange(1, 96))
                submitted = created + step if state != "draft" else None
                headers.append({
                    "number": f"BX{i + 1:010d}", "title": f"差旅报销{i}", "claimant_id": claimant,
                    "department_id": department, "state": state, "approver_id": head if submitted else None,
                    "total": sum((amount for _d, _c, amount in basket), Decimal("0.00")),
                    "over_budget": False, "created_at": created, "updated_at": created, "version": 1,
                    "first_submitted_at": submitted, "submitted_at": submitted,
                    "dept_approved_at": created + 2 * step if state in ("dept_head_approved", "finance_approved",
                                                                        "paid") else None,
                    "finance_approved_at": created + 3 * step if state in ("finance_approved", "paid") else None,
                    "paid_at": created + 4 * step if state == "paid" else None,
                })
                baskets.append(basket)
            ids = list(db.session.scalars(insert(Claim).returning(Claim.id, sort_by_parameter_order=True), headers))
            rows, payments = [], []
            for claim_id, header, basket in zip(ids, headers, baskets, strict=True):
                for position, (day, category, amount) in enumerate(basket):
                    line_number += 1
                    invoice = f"FP{line_number:010d}"
                    rows.append({"claim_id": claim_id, "position": position, "expense_date": day,
                                 "category_id": category, "amount": amount, "description": "交通费",
                                 "invoice_number": invoice,
                                 "invoice_key": None if header["state"] == "rejected" else invoice})
                if header["state"] == "paid":
                    payments.append({"claim_id": claim_id, "amount": header["total"],
                                     "paid_on": header["paid_at"].date(), "method": "bank_transfer",
                                     "reference": f"YH{claim_id}", "recorded_by_id": finance,
                                     "recorded_at": header["paid_at"]})
            for chunk in range(0, len(rows), BATCH):
                db.session.execute(insert(ClaimLine), rows[chunk:chunk + BATCH])
            if payments:
                db.session.execute(insert(Payment), payments)
            db.session.commit()


PAGES = (
    ("review queue (department head)", "/expenses/review", "head0"),
    ("finance queue: re-review", "/expenses/finance", "finance"),
    ("finance queue: to pay", "/expenses/finance?stage=pay", "finance"),
    ("claim list (manager, all claims)", "/expenses/", "manager"),
    ("claim list, filtered and sorted", "/expenses/?state=paid&sort=-total", "manager"),
    ("claim list (head, team)", "/expenses/", "head0"),
    ("claim list (representative, own)", "/expenses/", "rep0-0"),
    ("budget page (finance)", "/expenses/budgets", "finance"),
    ("budget page, by remaining", "/expenses/budgets?sort=remaining", "finance"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=20_000, help="claims to build (default 20,000)")
    parser.add_argument("--lines", type=int, default=100_000, help="claim lines in all (default 100,000)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.lines < args.claims:
        parser.error("every claim needs at least one line: --lines must be at least --claims")
    with bench_app("expenses") as app:
        started = time.perf_counter()
        reps = build_people(app)
        build_budgets(app, local_today().year)
        build_claims(app, reps, args.claims, args.lines, random.Random(args.seed))
        print(f"built {args.claims:,} claims with {args.lines:,} lines in {time.perf_counter() - started:.0f} s "
              f"on {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}")
        # The application shell (menu, notifications, layout) costs the same on every page whatever the data: shown
        # apart so that the lists' own work can be read beside their SQL.
        shell = time_page(app, "/expenses/categories", "finance")
        print(shell.report("shell baseline: categories page"))
        for label, url, login in PAGES:
            timing = time_page(app, url, login)
            own = max(timing.page_seconds - shell.page_seconds, 0.0)
            print(f"{timing.report(label)}   (page − shell) / SQL = {own / timing.sql_seconds:5.2f}")


if __name__ == "__main__":
    main()
