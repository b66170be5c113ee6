"""Benchmark of recruitment (issue 14 "Performance"): prints ratios, not seconds.

- the board of a requisition and the reports page (funnel per stage and channel, time in stage, cost per hire,
  acceptance) at 10,000 applications over 50 requisitions / the same at 1,000 (target at most 1.5), with their
  statement counts (they must be equal: a fixed number of statements), and page / SQL at the large size;
- a bounded load test of the public application form against a real server on 127.0.0.1 on the embedded default
  (SQLite): ``--rate`` submissions a second (default 20) for ``--seconds`` (default 60), each a GET of the form and a
  POST of it as a browser does; it reports errors and checks that every accepted application is in the database
  (lost = sent - saved), and prints achieved rate / target rate and the p95 latency / the median.

    .venv/bin/python -m bench.recruitment_bench                         # SQLite, 1,000 -> 10,000, 60 s load
    .venv/bin/python -m bench.recruitment_bench --seconds 10            # a shorter load test
    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.recruitment_bench

The load test's submissions all come from one address (127.0.0.1), so the per-address limit is switched off for it
(it would rightly refuse them) and so is the minimum form time; honeypot, stamp and CSRF checks stay on.
"""

from __future__ import annotations

import argparse
import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, insert, select

from bench.crm_bench import analyze
from bench.harness import bench_app, time_page

REQUISITIONS = 50
CHANNELS = ("careers", "job_site", "social", "campus", "referral", "agency")
STAGES = ("screening", "test", "interview", "background", "offer", "hired")
BATCH = 5000


def build_people(app: Flask) -> tuple[int, list[int]]:
    """HR, a hiring manager and ``REQUISITIONS`` approved plans; returns (manager id, requisition ids)."""
    from core.extensions import db
    from core.identity.users import create_user
    from core.timeutil import utcnow
    from plugins.recruitment.models import Requirement, Requisition

    with app.app_context():
        create_user(db.session, login="hr", name="人事", roles=["hr"], position="hr", password="bench-password-1")
        manager = create_user(db.session, login="manager", name="经理", roles=["sales_manager"],
                              position="sales_manager", password="bench-password-1")
        now = utcnow()
        ids = []
        for i in range(REQUISITIONS):
            req = Requisition(title=f"岗位{i}", position="sales_rep", headcount=1000, reason="growth",
                              state="approved", requested_by_id=manager.id, approved_at=now - timedelta(days=60),
                              requirements=[Requirement(kind="skill", text=f"要求{j}") for j in range(4)])
            db.session.add(req)
            db.session.flush()
            ids.append(req.id)
        db.session.commit()
        return manager.id, ids


def add_applications(app: Flask, count: int, manager_id: int, requisition_ids: list[int], rng: random.Random,
                     offset: int) -> None:
    """``count`` candidates, each with one application somewhere in the pipeline and its stage change."""
    from core.extensions import db
    from core.timeutil import utcnow
    from plugins.recruitment.models import Application, Candidate, StageChange

    now = utcnow()
    with app.app_context():
        made = 0
        while made < count:
            n = min(BATCH, count - made)
            base = offset + made
            candidate_ids = list(db.session.scalars(insert(Candidate).returning(
                Candidate.id, sort_by_parameter_order=True), [
                {"name": f"候选人{base + k}", "phone": f"1{base + k:010d}", "phone_key": f"1{base + k:010d}",
                 "email": f"c{base + k}@bench.local", "email_key": f"c{base + k}@bench.local",
                 "talent_pool": False, "created_at": now} for k in range(n)]))
            rows = []
            for k, candidate_id in enumerate(candidate_ids):
                furthest = min(int(rng.expovariate(0.9)), len(STAGES) - 1)
                status = rng.choice(("active", "active", "rejected")) if STAGES[furthest] != "hired" else "hired"
                rows.append({"requisition_id": requisition_ids[(base + k) % len(requisition_ids)],
                             "candidate_id": candidate_id, "owner_id": manager_id, "channel": rng.choice(CHANNELS),
                             "stage": STAGES[furthest], "furthest": furthest, "status": status, "on_hold": False,
                             "stage_entered_at": now - timedelta(hours=rng.randrange(1, 2000)),
                             "created_at": now - timedelta(days=rng.randrange(1, 90)), "version": 1})
            application_ids = list(db.session.scalars(insert(Application).returning(
                Application.id, sort_by_parameter_order=True), rows))
            db.session.execute(insert(StageChange), [
                {"application_id": a, "from_stage": "screening", "to_stage": "test",
                 "seconds_in_stage": rng.randrange(3600, 86400 * 10), "at": now}
                for a, row in zip(application_ids, rows, strict=True) if row["furthest"] > 0])
            db.session.commit()
            made += n


def busiest_requisition(app: Flask) -> int:
    from core.extensions import db
    from plugins.recruitment.models import Application

    with app.app_context():
        return int(db.session.execute(select(Application.requisition_id, func.count(Application.id))
                                      .group_by(Application.requisition_id)
                                      .order_by(func.count(Application.id).desc()).limit(1)).one()[0])


def pages(app: Flask, requisition_id: int) -> dict[str, object]:
    return {"board": time_page(app, f"/recruitment/requisitions/{requisition_id}/board", "hr"),
            "reports": time_page(app, "/recruitment/reports", "hr")}


# ---------------------------------------------------------------------------------------------------- load test


def load_test(app: Flask, requisition_id: int, rate: int, seconds: int) -> None:
    import requests

    from core.extensions import db
    from core.settings import set_setting
    from core.testing.browser import serve
    from plugins.recruitment.models import Application, Posting

    with app.app_context():
        set_setting("recruitment.max_applications_per_address_hour", 0)
        set_setting("recruitment.min_form_seconds", 0)
        posting = Posting(requisition_id=requisition_id, channel="careers", source_code="benchload",
                          created_by_id=1)
        db.session.add(posting)
        db.session.commit()
        before = db.session.scalar(select(func.count(Application.id)))
    app.config["WTF_CSRF_ENABLED"] = True
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one access-log line per request would drown the ratios
    server, thread = serve(app)
    url = server.url("/careers/apply/benchload")
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def submit(n: int) -> None:
        started = time.perf_counter()
        try:
            with requests.Session() as browser:
                html = browser.get(url, timeout=30).text
                token = html.split('name="csrf_token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
                stamp = html.split('name="stamp"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
                answer = browser.post(url, timeout=30, data={
                    "csrf_token": token, "stamp": stamp, "website": "", "name": f"压测{n}",
                    "phone": f"177{n:08d}", "email": f"load{n}@bench.local", "consent": "y"})
            ok = answer.status_code == 200 and ("Thank you" in answer.text or "谢谢" in answer.text)
            with lock:
                latencies.append(time.perf_counter() - started)
                if not ok:
                    failures.append(f"HTTP {answer.status_code}")
        except Exception as exc:  # noqa: BLE001 - counted and reported, the test goes on
            with lock:
                failures.append(repr(exc)[:120])

    total = rate * seconds
    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=rate * 2) as pool:
            for n in range(total):
                due = started + n / rate
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                pool.submit(submit, n)
        elapsed = time.perf_counter() - started
    finally:
        thread.stop()
    with app.app_context():
        saved = db.session.scalar(select(func.count(Application.id))) - before
    achieved = total / elapsed
    ordered = sorted(latencies) or [0.0]
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(f"careers form under load: {total} submissions at {rate}/s for {seconds} s")
    print(f"  achieved rate / target          = {achieved / rate:5.2f}")
    print(f"  errors                          = {len(failures)}" + (f"  (first: {failures[0]})" if failures else ""))
    print(f"  lost (sent OK - saved)          = {total - len(failures) - saved}")
    print(f"  p95 latency / median            = {p95 / statistics.median(ordered):5.2f}  "
          f"(median {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    rng = random.Random(14)
    with bench_app("recruitment") as app:
        manager_id, requisition_ids = build_people(app)
        add_applications(app, args.small, manager_id, requisition_ids, rng, 0)
        analyze(app)  # statistics as autovacuum keeps them after a bulk load (PostgreSQL)
        busiest = busiest_requisition(app)
        small = pages(app, busiest)
        add_applications(app, args.large - args.small, manager_id, requisition_ids, rng, args.small)
        analyze(app)
        large = pages(app, busiest)
        print(f"recruitment at {args.small:,} -> {args.large:,} applications over {REQUISITIONS} requisitions")
        for name in ("board", "reports"):
            s, big = small[name], large[name]
            print(f"  {name:<8} large/small = {big.page_seconds / s.page_seconds:5.2f}   statements "
                  f"{s.statements} -> {big.statements}   " + big.report(f"{name} at {args.large:,}").strip())
        if args.seconds > 0:
            load_test(app, busiest, args.rate, args.seconds)


if __name__ == "__main__":
    main()
