"""CRM benchmark (issue 5 "Performance"): the customer list and a customer's page at 10,000 and 100,000 customers
(10 interactions each), and the regrade of every customer against a plain count over the same rows.

    .venv/bin/python -m bench.crm_bench [--small 10000] [--large 100000]
    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.crm_bench

Prints ratios only (see bench/README.md): page / SQL (target at most 2), large / small page time (target at most
1.5) and regrade / count(*).
"""

from __future__ import annotations

import argparse
import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select

from bench.harness import bench_app, time_call, time_page

INTERACTIONS_PER_CUSTOMER = 10
CHUNK = 5000


def build(app: Any, customers: int, start: int = 0) -> None:
    """Add customers numbered start..customers-1 with contacts, interactions and purchases, in bulk inserts."""
    from core.extensions import db
    from core.identity.models import User
    from core.identity.users import create_user
    from core.timeutil import local_today, utcnow
    from plugins.crm.models import Contact, Customer, Interaction, Purchase

    rng = random.Random(start)
    with app.app_context():
        if not db.session.scalar(select(User.id).where(User.login == "manager")):
            manager = create_user(db.session, login="manager", name="Manager", roles=["sales_manager"],
                                  position="sales_manager")
            for n in range(20):
                create_user(db.session, login=f"rep{n}", name=f"Rep {n}", roles=["sales_rep"], position="sales_rep",
                            superior_id=manager.id)
            db.session.commit()
        reps = list(db.session.scalars(select(User.id).where(User.position == "sales_rep")))
        now = utcnow()
        for first in range(start, customers, CHUNK):
            rows = []
            for n in range(first, min(first + CHUNK, customers)):
                name = f"客户{n:06d}科技有限公司"
                rows.append({"kind": "company", "name": name, "name_key": f"客户{n:06d}科技", "state": "customer",
                             "phone": f"138{n:08d}", "region": rng.choice(["北京", "上海", "广州"]),
                             "owner_id": rng.choice(reps), "grade": rng.choice("ABC"), "potential_value": Decimal(
                                 rng.randint(0, 300000)), "grade_locked": False, "orders_count": 0,
                             "purchase_amount": Decimal(0), "completeness": 75, "contacts_count": 1,
                             "archived": False, "created_at": now, "updated_at": now - timedelta(minutes=n)})
            db.session.execute(insert(Customer), rows)
            ids = list(db.session.scalars(select(Customer.id).where(Customer.phone.in_([r["phone"] for r in rows]))))
            db.session.execute(insert(Contact), [{"customer_id": cid, "name": "联系人", "is_primary": True,
                                                  "created_at": now} for cid in ids])
            db.session.execute(insert(Interaction), [
                {"customer_id": cid, "user_id": rng.choice(reps), "kind": "call", "summary": "电话沟通",
                 "occurred_at": now - timedelta(days=k), "next_step_done": False, "created_at": now}
                for cid in ids for k in range(INTERACTIONS_PER_CUSTOMER)])
            db.session.execute(insert(Purchase), [
                {"customer_id": cid, "shop": "天猫", "reference": f"{cid}-{k}", "amount": Decimal(rng.randint(10, 9000)),
                 "ordered_on": local_today() - timedelta(days=rng.randint(1, 300)), "created_at": now}
                for cid in ids for k in range(rng.randint(0, 4))])
            db.session.commit()


def measure(app: Any, label: str) -> dict[str, Any]:
    from core.extensions import db
    from plugins.crm.models import Customer

    with app.app_context():
        customer_id = db.session.scalar(select(Customer.id).order_by(Customer.id.desc()).limit(1))
        owner = db.session.scalar(select(Customer.owner_id).where(Customer.id == customer_id))
    results = {
        "list": time_page(app, f"/crm/customers?grade=A&owner={owner}&sort=name&page=3", "manager"),
        "search": time_page(app, "/crm/customers?q=客户0001&sort=-updated", "manager"),
        "customer": time_page(app, f"/crm/customers/{customer_id}", "manager"),
    }
    for key, timing in results.items():
        print(timing.report(f"{label}: {key}"))
    return results


def regrade_ratio(app: Any) -> float:
    from core.extensions import db
    from plugins.crm.models import Customer
    from plugins.crm.services.grading import regrade

    with app.app_context():
        def grade() -> None:
            regrade(db.session)
            db.session.commit()

        count = time_call(lambda: db.session.scalar(select(func.count(Customer.id))))
        return time_call(grade, repeat=3) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()
    with bench_app("crm") as app:
        engine = app.extensions["netsales"]
        with app.app_context():
            from core.setup import disable_plugins

            for dependent in engine.enabled_dependents("crm"):
                disable_plugins(app, dependent)  # grading from CRM's own purchases
        build(app, args.small)
        small = measure(app, f"{args.small:,} customers")
        build(app, args.large, start=args.small)
        large = measure(app, f"{args.large:,} customers")
        for key in small:
            print(f"{key:<10} large / small page time = {large[key].page_seconds / small[key].page_seconds:5.2f}")
        print(f"regrade of {args.large:,} customers / SELECT count(*) = {regrade_ratio(app):,.0f}")


if __name__ == "__main__":
    main()
