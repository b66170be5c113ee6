"""Board requests alone vs while another thread of the same process prints PDFs or runs jobs (issue 18 part 5).

A gunicorn worker of `netsales run` serves 4 threads and runs the jobs runner: whatever one thread does in pure
Python holds the GIL the board's thread needs. This benchmark shows it in one process, no HTTP, no other users:

1. the pipeline board, ``--requests`` times, alone: median and p95 wall time;
2. the same while one background thread prints quotation PDFs in a loop with WeasyPrint in-process
   (PDF_WORKER_PROCESSES = 0: how core.pdf printed before the PDF worker);
3. the same while the background thread prints them through the PDF worker process (core.pdf_worker, the default);
4. the same while the background thread runs the jobs runner over every job, made due again each round.

The modes take turns in blocks (``--blocks``), so that a change in the machine's load weighs on each alike.
It prints each mode's median and p95 ÷ the board alone, the board's own CPU time (thread time: what it did, against
what it waited) and how many PDFs or job rounds the background thread finished meanwhile.

    .venv/bin/python -m bench.contention_bench                        # SQLite
    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.contention_bench
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from sqlalchemy import update

from bench.harness import bench_app, sign_in
from bench.pipeline_bench import build_data, quotation_of_eight_lines


def make_quotation(app: Flask) -> int:
    from core.extensions import db

    with app.app_context(), app.test_request_context():
        return quotation_of_eight_lines(db.session).id


def print_quotations(app: Flask, quotation_id: int) -> Callable[[], None]:
    """One round of the background thread: print the quotation's PDF."""
    def one() -> None:
        from core.extensions import db
        from plugins.pipeline.models import Quotation
        from plugins.pipeline.pdf import quotation_pdf

        with app.app_context(), app.test_request_context():
            quotation_pdf(db.session.get(Quotation, quotation_id))
    return one


def run_jobs(app: Flask) -> Callable[[], None]:
    """One round of the background thread: make every job due, then run them as the jobs runner does."""
    def one() -> None:
        from core.extensions import db
        from core.jobs.models import Job
        from core.jobs.runner import run_due
        from core.timeutil import utcnow

        with app.app_context():
            db.session.execute(update(Job).values(next_run_at=utcnow() - timedelta(seconds=1), locked_until=None))
            db.session.commit()
            run_due(worker="contention-bench")
            db.session.commit()
    return one


def time_board(app: Flask, requests: int, background: Callable[[], None] | None) -> tuple[list[float], list[float], int]:
    """Wall and CPU (thread) times of ``requests`` boards, while ``background`` runs in a loop in another thread."""
    client = app.test_client()
    sign_in(app, client, "manager")
    client.get("/pipeline/board")
    stop, rounds = threading.Event(), [0]

    def loop() -> None:
        while not stop.is_set():
            background()  # type: ignore[misc]
            rounds[0] += 1

    thread = threading.Thread(target=loop, daemon=True) if background else None
    if thread:
        thread.start()
        time.sleep(0.5)  # let it get going
    walls, cpus = [], []
    try:
        for _ in range(requests):
            started, started_cpu = time.perf_counter(), time.thread_time()
            response = client.get("/pipeline/board")
            walls.append(time.perf_counter() - started)
            cpus.append(time.thread_time() - started_cpu)
            if response.status_code != 200:
                raise RuntimeError(f"the board answered HTTP {response.status_code}")
            time.sleep(random.uniform(0.0, 0.05))  # fall at different moments of the background's work
    finally:
        stop.set()
        if thread:
            thread.join(timeout=300)
    return walls, cpus, rounds[0]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=20_000, help="order lines to build (default 20,000)")
    parser.add_argument("--deals", type=int, default=2_000, help="open deals to build (default 2,000)")
    parser.add_argument("--requests", type=int, default=60, help="boards per mode, over all its turns (default 60)")
    parser.add_argument("--blocks", type=int, default=6, help="turns each mode takes (default 6)")
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    random.seed(args.seed)
    with bench_app("crm", "pipeline") as app:
        build_data(app, args.lines, args.deals, random.Random(args.seed))
        quotation_id = make_quotation(app)
        app.config["PDF_WORKER_PROCESSES"] = 1
        print_quotations(app, quotation_id)()  # start the PDF process before anything is timed
        print(f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, {args.deals:,} open deals, "
              f"{args.requests} boards per mode, load average {os.getloadavg()[0]:.1f} at the start", flush=True)
        modes: list[tuple[str, int, Callable[[], None] | None]] = [
            ("board alone", 1, None),
            ("while PDFs print in-process (before)", 0, print_quotations(app, quotation_id)),
            ("while PDFs print in the PDF process", 1, print_quotations(app, quotation_id)),
            ("while the jobs runner runs every job", 1, run_jobs(app)),
        ]
        # Modes take turns in blocks, so that the machine's load, which other work changes, weighs on each alike.
        walls: dict[str, list[float]] = {label: [] for label, _, _ in modes}
        cpus: dict[str, list[float]] = {label: [] for label, _, _ in modes}
        rounds = dict.fromkeys(walls, 0)
        block = max(1, args.requests // args.blocks)
        for _ in range(args.blocks):
            for label, processes, background in modes:
                app.config["PDF_WORKER_PROCESSES"] = processes
                block_walls, block_cpus, block_rounds = time_board(app, block, background)
                walls[label] += block_walls
                cpus[label] += block_cpus
                rounds[label] += block_rounds
        base_median, base_p95 = statistics.median(walls["board alone"]), p95(walls["board alone"])
        for label in walls:
            median, tail = statistics.median(walls[label]), p95(walls[label])
            print(f"{label:<40} median ÷ alone = {median / base_median:5.2f}   p95 ÷ alone = {tail / base_p95:5.2f}   "
                  f"p95 ÷ alone's median = {tail / base_median:5.2f}   (median {median * 1000:.0f} ms, "
                  f"p95 {tail * 1000:.0f} ms, board CPU {statistics.median(cpus[label]) * 1000:.0f} ms, "
                  f"{rounds[label]} background rounds)", flush=True)
        print(f"load average {os.getloadavg()[0]:.1f} at the end", flush=True)

if __name__ == "__main__":
    main()
