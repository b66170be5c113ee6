"""Bounded load test on PostgreSQL (issue 18 part 5): two `netsales run` processes with 2 workers each and the
jobs runner in both, 50 simulated users of mixed roles for 3 minutes doing the real journeys, all on 127.0.0.1.

1. A scratch schema with the demo company (`netsales demo`'s data, every built-in module enabled). A trigger on
   core_job records every claim of a job (who, and for which due time) in bench_job_claim; every job is made due
   at the start and again every ``--jobs-every`` seconds, so the four job runners race for each of them under load.
2. Single user: one user of each role runs their journey ``--single`` times with no pause: each page's median.
3. Load: ``--users`` threads (representatives 64 %, supervisors 12 %, managers, department heads and finance 8 %
   each), each signed in with a session of their own and bound to one of the two servers, loop over their
   journey with a pause of ``--think`` seconds (random, min-max) after every page, as a person reads it before
   the next click, until ``--seconds`` are over (no page is requested after that).
   Representatives browse customers, open one, search, open a deal and move it one stage on, sometimes write a
   quotation and fetch its PDF, sometimes file a claim (saved and submitted at once); supervisors, managers and
   heads open their review queue and approve a claim, the discount approval queue (not heads), the board and the
   customer list;
   finance approves claims for payment.
4. Checks after the servers stopped: no 5xx and no failed request (errors), each page's p95 under load ÷ its
   single-user median (target <= 4), no job claimed twice for one due time, no lost write (every quotation and
   claim the users were told was saved is in the database, and as many as they were told; the deals' stage
   changes match the moves they were told succeeded).

Every loop is bounded in count and in time; requests time out after 30 s; traffic goes only to 127.0.0.1.

    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.load_bench
    ... -m bench.load_bench --users 10 --seconds 30        # a quick look
    ... -m bench.load_bench --pdf-in-process               # PDFs printed in the request thread, to compare
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import statistics
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.browser import Answer, Browser, csrf_token
from bench.harness import bench_app
from bench.servers import free_port, netsales_command, netsales_environment, serving

ROLES = (("rep", 0.64), ("supervisor", 0.12), ("manager", 0.08), ("head", 0.08), ("finance", 0.08))
LOGINS = {"rep": [f"rep{n}" for n in range(1, 17)], "supervisor": ["supervisor1", "supervisor2", "supervisor3"],
          "manager": ["manager"], "head": ["head"], "finance": ["finance"]}
SEARCHES = ("科技", "有限公司", "138", "王", "李", "上海", "贸易")
#: A 1×1 PNG: the receipt a claim line needs (R9.2.1).
RECEIPT = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63"
                        "f8cfc0f01f0005000201a5d7a2d90000000049454e44ae426082")
#: The first message next to a field or above a form, in a refused page.
ERROR_TEXT = re.compile(r'class="(?:field-error|form-errors?|flash flash-error)"[^>]*>(.*?)</(?:p|div|li)>', re.S)
#: A user's journey stops after this many rounds even if time is left (a bound on every loop).
MAX_ROUNDS = 10_000


# ---------------------------------------------------------------------------------------------------- recording


@dataclass
class Results:
    """Every request's page, time and outcome, and what the users were told was saved; shared by the threads."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    quotations: set[int] = field(default_factory=set)
    claims: set[int] = field(default_factory=set)
    moves: set[tuple[int, str]] = field(default_factory=set)  # (deal, stage it was moved to)
    approvals: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, page: str, answer: Answer | None, problem: str = "") -> None:
        with self.lock:
            if answer is None:
                self.errors.append(f"{page}: {problem}")
                return
            self.times[page].append(answer.seconds)
            if answer.status >= 500:
                self.errors.append(f"{page}: HTTP {answer.status} at {answer.url}")
            elif answer.status >= 400:
                said = ERROR_TEXT.search(answer.body)  # what the user was told, to tell refusals apart
                reason = re.sub(r"<[^>]+>|\s+", " ", said.group(1)).strip()[:80] if said else ""
                self.refused[f"{page} (HTTP {answer.status}{': ' + reason if reason else ''})"] += 1


class User:
    """One simulated user: a browser signed in as ``login`` on one server, and their journey."""

    def __init__(self, role: str, login: str, base: str, password: str, results: Results, seed: int) -> None:
        self.role, self.login, self.results = role, login, results
        self.browser = Browser(base)
        self.password = password
        self.rng = random.Random(seed)
        # Set by run_until: the pause after each page, and when to stop (single-user rounds have neither).
        self.think: tuple[float, float] = (0.0, 0.0)
        self.deadline = float("inf")
        self.stop = threading.Event()

    def page(self, name: str, path: str, form: dict[str, str] | None = None,
             files: dict[str, tuple[str, str, bytes]] | None = None) -> Answer | None:
        if time.monotonic() >= self.deadline or self.stop.is_set():
            raise TimeUp
        try:
            answer = self.browser.request(path, form, files)
        except Exception as exc:  # noqa: BLE001 - a refused connection or a timeout is an error to report
            self.results.record(name, None, f"{type(exc).__name__}: {exc}")
            return None
        self.results.record(name, answer)
        if self.think[1]:
            self.stop.wait(self.rng.uniform(*self.think))  # reading the page before the next click
        return answer

    def sign_in(self) -> None:
        page = self.browser.get("/login")
        answer = self.browser.request("/login", {"login": self.login, "password": self.password,
                                                 "csrf_token": csrf_token(page.body)})
        if answer.status != 200 or "/login" in answer.url:
            raise RuntimeError(f"{self.login} could not sign in (HTTP {answer.status})")

    def pick(self, html: str, pattern: str) -> str | None:
        found = sorted(set(re.findall(pattern, html)))
        return self.rng.choice(found) if found else None

    # ------------------------------------------------------------------------------------------------ journeys

    def round(self) -> None:
        getattr(self, f"journey_{'rep' if self.role == 'rep' else 'finance' if self.role == 'finance' else 'approver'}")()

    def browse_customers(self) -> None:
        listing = self.page("customer list", f"/crm/customers?page={self.rng.randint(1, 3)}")
        if listing is not None and listing.status == 200:
            customer = self.pick(listing.body, r'href="(/crm/customers/\d+)"')
            if customer:
                self.page("customer page", customer)

    def search(self) -> None:
        self.page("search", f"/search?q={urllib.parse.quote(self.rng.choice(SEARCHES))}")

    def journey_rep(self) -> None:
        self.page("dashboard", "/")
        self.browse_customers()
        self.search()
        deals = self.page("deal list", "/pipeline/deals")
        deal_path = self.pick(deals.body, r'href="(/pipeline/deals/\d+)"') if deals and deals.status == 200 else None
        if deal_path:
            deal = self.page("deal page", deal_path)
            if deal is not None and deal.status == 200:
                self.move(deal)
                if self.rng.random() < 0.35:
                    self.quotation(deal_path)
        if self.rng.random() < 0.35:
            self.file_claim()

    def move(self, deal: Answer) -> None:
        form = re.search(r'<form method="post" action="([^"]+/move)"[^>]*id="move-forward">(.*?)</form>',
                         deal.body, re.S)
        if not form:
            return  # the last stage, or a deal not theirs to move
        fields = dict(re.findall(r'name="(stage|expected_version)" value="([^"]*)"', form.group(2)))
        answer = self.page("move deal", form.group(1), {**fields, "csrf_token": csrf_token(deal.body)})
        if answer is not None and answer.status == 200 and "flash-success" in answer.body:
            with self.results.lock:
                self.results.moves.add((int(form.group(1).split("/")[-2]), fields.get("stage", "")))

    def quotation(self, deal_path: str) -> None:
        blank = self.page("quotation form", f"{deal_path}/quotations/new")
        if blank is None or blank.status != 200:
            return
        product = self.product_choice(blank.body)
        valid = re.search(r'name="valid_until"[^>]*value="([^"]+)"', blank.body)
        if not product or not valid:
            return
        answer = self.page("create quotation", f"{deal_path}/quotations/new", {
            "csrf_token": csrf_token(blank.body), "lines-0-product_id": product, "lines-0-quantity": "2",
            "lines-0-unit_price": "", "lines-0-discount": "0", "valid_until": valid.group(1),
            "solution": "负载测试方案", "terms": ""})
        saved = re.search(r"/pipeline/quotations/(\d+)$", answer.url) if answer is not None else None
        if saved:
            with self.results.lock:
                self.results.quotations.add(int(saved.group(1)))
            self.page("quotation PDF", f"/pipeline/quotations/{saved.group(1)}/pdf")

    def product_choice(self, form_html: str) -> str | None:
        """A product for the first line: from the select's options, or, where the field is a searchable select
        (core/web/lookup.py), from its look-up as the page's script asks it (a request of its own, measured)."""
        listed = re.search(r'name="lines-0-product_id">.*?<option value="([1-9]\d*)"', form_html, re.S)
        if listed:
            return listed.group(1)
        lookup = re.search(r'data-lookup="([^"]*pipeline\.product[^"]*)"', form_html)
        if not lookup:
            return None
        url = html.unescape(lookup.group(1))
        answer = self.page("product look-up", url + ("&" if "?" in url else "?") + "q=")
        if answer is None or answer.status != 200:
            return None
        try:
            ids = [str(row["id"]) for row in json.loads(answer.body).get("results", [])]
        except (ValueError, AttributeError, KeyError, TypeError):
            return None
        return self.rng.choice(ids) if ids else None

    def file_claim(self) -> None:
        blank = self.page("claim form", "/expenses/claims/new")
        if blank is None or blank.status != 200:
            return
        category = re.search(r'name="lines-0-category_id">.*?<option value="(\d+)"', blank.body, re.S)
        if not category:
            return
        answer = self.page("file claim", "/expenses/claims/new", {
            "csrf_token": csrf_token(blank.body), "version": "", "title": "出差交通费",
            "lines-0-line_id": "", "lines-0-expense_date": date.today().isoformat(),
            "lines-0-category_id": category.group(1), "lines-0-amount": f"{self.rng.randint(20, 300)}.00",
            "lines-0-invoice_number": f"LT{self.rng.randint(10**9, 10**10 - 1)}", "lines-0-description": "打车",
            "submit_claim": "1"}, files={"lines-0-receipt": ("fapiao.png", "image/png", RECEIPT)})
        saved = re.search(r"/expenses/claims/(\d+)$", answer.url) if answer is not None else None
        if saved:
            with self.results.lock:
                self.results.claims.add(int(saved.group(1)))

    def review(self, queue: str, action: str) -> None:
        listing = self.page("review queue", queue)
        claim_path = self.pick(listing.body, r'href="(/expenses/claims/\d+)"') \
            if listing is not None and listing.status == 200 else None
        if not claim_path:
            return
        claim = self.page("claim page", claim_path)
        if claim is None or claim.status != 200 or f"/act/{action}" not in claim.body:
            return
        version = re.search(r'name="version" value="(\d+)"', claim.body)
        answer = self.page("approve claim", f"{claim_path}/act/{action}", {
            "csrf_token": csrf_token(claim.body), "version": version.group(1) if version else "", "reason": ""})
        if answer is not None and answer.status == 200 and "flash-success" in answer.body:
            with self.results.lock:
                self.results.approvals += 1

    def journey_approver(self) -> None:
        self.page("dashboard", "/")
        self.review("/expenses/review", "approve")
        if self.role != "head":  # discount approvals are the sales line's (a department head gets 403)
            self.page("approval queue", "/pipeline/approvals")
        self.page("board", "/pipeline/board")
        self.browse_customers()
        self.search()

    def journey_finance(self) -> None:
        self.page("dashboard", "/")
        self.review("/expenses/finance", "finance_approve")
        self.page("claim list", "/expenses/")
        self.search()

    def run_until(self, deadline: float, think: tuple[float, float], stop: threading.Event) -> None:
        self.deadline, self.think, self.stop = deadline, think, stop
        stop.wait(self.rng.uniform(*think))  # users do not all start at the same instant
        for _ in range(MAX_ROUNDS):
            try:
                self.round()
            except TimeUp:
                return


class TimeUp(Exception):
    """The load phase is over: the journey stops before its next page."""


# ---------------------------------------------------------------------------------------------------- database


JOB_CLAIMS = """
CREATE TABLE bench_job_claim (id serial PRIMARY KEY, job_key text, worker text, due_at timestamp,
                              claimed_at timestamp DEFAULT (now() AT TIME ZONE 'utc'));
CREATE FUNCTION bench_record_claim() RETURNS trigger AS $$
BEGIN
  INSERT INTO bench_job_claim (job_key, worker, due_at) VALUES (NEW.key, NEW.locked_by, OLD.next_run_at);
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER bench_record_claim AFTER UPDATE ON core_job FOR EACH ROW
  WHEN (NEW.locked_by IS NOT NULL AND NEW.locked_by IS DISTINCT FROM OLD.locked_by)
  EXECUTE FUNCTION bench_record_claim();
"""
COUNTS = {
    "quotations": "SELECT count(*) FROM pipeline_quotation",
    "claims": "SELECT count(*) FROM expenses_claim",
    "stage changes": "SELECT count(*) FROM pipeline_deal_stage_change",
}


def execute(app: Any, sql: str) -> Any:
    from core.extensions import db

    with app.app_context(), db.engine.begin() as connection:
        return connection.execute(text(sql)).all() if sql.lstrip().upper().startswith("SELECT") \
            else connection.execute(text(sql))


def counts(app: Any) -> dict[str, int]:
    return {name: execute(app, sql)[0][0] for name, sql in COUNTS.items()}


def make_jobs_due(app: Any) -> None:
    execute(app, "UPDATE core_job SET next_run_at = (now() AT TIME ZONE 'utc') - interval '1 second' "
                 "WHERE locked_by IS NULL")


# ---------------------------------------------------------------------------------------------------- running


def single_user(bases: list[str], password: str, rounds: int) -> Results:
    results = Results()
    for n, role in enumerate(LOGINS):
        user = User(role, LOGINS[role][0], bases[n % 2], password, results, seed=n)
        user.sign_in()
        for _ in range(rounds):
            user.round()
    return results


def load(bases: list[str], password: str, users: int, seconds: float, think: tuple[float, float],
         app: Any, jobs_every: float) -> tuple[Results, float]:
    results = Results()
    roles = [role for role, share in ROLES for _ in range(round(share * users))][:users]
    while len(roles) < users:
        roles.append("rep")
    people = [User(role, LOGINS[role][n % len(LOGINS[role])], bases[n % 2], password, results, seed=100 + n)
              for n, role in enumerate(roles)]
    for person in people:
        person.sign_in()
    stop = threading.Event()
    started = time.monotonic()
    deadline = started + seconds
    threads = [threading.Thread(target=p.run_until, args=(deadline, think, stop), daemon=True) for p in people]
    for thread in threads:
        thread.start()
    try:
        while time.monotonic() < deadline:  # the jobs race again every jobs_every seconds
            time.sleep(min(jobs_every, max(deadline - time.monotonic(), 0)))
            if time.monotonic() < deadline:
                make_jobs_due(app)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)  # a request still running is bounded by the browser's timeout
    return results, time.monotonic() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(single: Results, loaded: Results, elapsed: float) -> bool:
    total = sum(len(v) for v in loaded.times.values())
    print(f"\nthroughput: {total:,} requests in {elapsed:.0f} s = {total / elapsed:.1f} requests/s")
    print(f"{'page':<18} {'n':>6} {'single p50':>11} {'p50':>8} {'p95':>8} {'p99':>8} {'p95/single':>11}")
    ok = True
    for page in sorted(loaded.times):
        values = loaded.times[page]
        base = statistics.median(single.times[page]) if single.times.get(page) else None
        p95 = percentile(values, 0.95)
        ratio = p95 / base if base else float("nan")
        flag = "" if base is None or ratio <= 4 else "  > 4"
        ok = ok and not flag
        print(f"{page:<18} {len(values):>6} {base * 1000 if base else float('nan'):>9.0f}ms "
              f"{statistics.median(values) * 1000:>6.0f}ms {p95 * 1000:>6.0f}ms "
              f"{percentile(values, 0.99) * 1000:>6.0f}ms {ratio:>11.2f}{flag}")
    print(f"errors: {len(loaded.errors)}" + "".join(f"\n  {e}" for e in loaded.errors[:20]))
    if loaded.refused:
        print("refused (4xx):" + "".join(f"\n  {v:>4} x {k}" for k, v in sorted(loaded.refused.items())))
    return ok and not loaded.errors


def check_database(app: Any, before: dict[str, int], results: Results) -> bool:
    after = counts(app)
    told = {"quotations": len(results.quotations), "claims": len(results.claims),
            "stage changes": len(results.moves)}
    ok = True
    for name in COUNTS:
        grown = after[name] - before[name]
        same = grown == told[name]
        ok = ok and (same or name == "stage changes" and grown > told[name])
        print(f"{name:<14} saved per the users: {told[name]:>5}   new rows: {grown:>5}   "
              f"{'ok' if same else 'more rows than moves (see below)' if grown > told[name] else 'LOST WRITES'}")
    if results.moves:
        pairs = " OR ".join(f"(deal_id = {deal} AND to_stage = '{stage}')" for deal, stage in results.moves
                            if re.fullmatch(r"[a-z_]+", stage))
        found = execute(app, f"SELECT count(DISTINCT (deal_id, to_stage)) FROM pipeline_deal_stage_change "
                             f"WHERE {pairs}")[0][0]
        ok = ok and found == len(results.moves)
        print(f"stage changes  every move the users were told of is there: {found == len(results.moves)}")
        extra = execute(app, f"SELECT c.deal_id, c.from_stage, c.to_stage, u.login FROM pipeline_deal_stage_change c "
                             f"JOIN core_user u ON u.id = c.user_id ORDER BY c.id DESC "
                             f"LIMIT {after['stage changes'] - before['stage changes']}")
        unexplained = [row for row in extra if (row[0], row[2]) not in results.moves]
        if unexplained:
            print(f"stage changes  not from a move the users were told of: {unexplained[:10]}")
    for name, ids, table in (("quotations", results.quotations, "pipeline_quotation"),
                             ("claims", results.claims, "expenses_claim")):
        if ids:
            found = execute(app, f"SELECT count(*) FROM {table} WHERE id IN ({','.join(map(str, ids))})")[0][0]
            ok = ok and found == len(ids)
            print(f"{name:<14} every id the users were shown is there: {found == len(ids)}")
    print(f"claims approved (users told): {results.approvals}")
    twice = execute(app, "SELECT job_key, due_at, count(*) FROM bench_job_claim GROUP BY job_key, due_at "
                         "HAVING count(*) > 1")
    claims, jobs, workers = execute(app, "SELECT count(*), count(DISTINCT job_key), count(DISTINCT "
                                         "split_part(worker, ':', 2)) FROM bench_job_claim")[0]
    print(f"job runs: {claims} claims of {jobs} jobs by {workers} worker processes; claimed twice for one due "
          f"time: {len(twice)}" + "".join(f"\n  {row}" for row in twice))
    return ok and not twice


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--think", type=float, nargs=2, default=(3.0, 10.0), metavar=("MIN", "MAX"),
                        help="seconds of pause after each page (default 3-10)")
    parser.add_argument("--single", type=int, default=3, help="single-user rounds of each role (default 3)")
    parser.add_argument("--jobs-every", type=float, default=45, help="seconds between making every job due")
    parser.add_argument("--pdf-in-process", action="store_true",
                        help="print PDFs in the request's thread (PDF_WORKER_PROCESSES = 0), as before issue 18's "
                             "PDF worker: to compare")
    args = parser.parse_args()
    url = os.environ.get("NETSALES_BENCH_DATABASE_URL") or os.environ.get("NETSALES_TEST_DATABASE_URL") or ""
    if not url.startswith("postgresql"):
        raise SystemExit("the load test runs on PostgreSQL: set NETSALES_BENCH_DATABASE_URL")
    from core.demo import load_demo
    from core.identity.demo import demo_password

    with bench_app() as app:
        with app.app_context():
            load_demo(app, random.Random(20261127))
        execute(app, JOB_CLAIMS)
        make_jobs_due(app)
        folder = Path(tempfile.mkdtemp(prefix="netsales-load-"))
        ports = [free_port(), free_port()]
        environment = {**netsales_environment(app), "NETSALES_JOB_POLL_SECONDS": "5",
                       "NETSALES_PDF_WORKER_PROCESSES": "0" if args.pdf_in_process else "1"}
        commands = {f"app{n}": (netsales_command(port, workers=2, threads=4, jobs=True), environment, port)
                    for n, port in enumerate(ports)}
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        with serving(commands, folder):
            single = single_user(bases, demo_password(), args.single)
            before = counts(app)  # after the single user's own writes
            print("single user: " + ", ".join(f"{page} {statistics.median(v) * 1000:.0f} ms"
                                              for page, v in sorted(single.times.items())))
            loaded, elapsed = load(bases, demo_password(), args.users, args.seconds, tuple(args.think), app,
                                   args.jobs_every)
        print(f"\n{args.users} users, {args.seconds:.0f} s, think {args.think[0]}-{args.think[1]} s, "
              f"2 processes x 2 workers x 4 threads, jobs in both, PDFs "
              f"{'in-process' if args.pdf_in_process else 'in a PDF process'} (logs in {folder})")
        pages_ok = report(single, loaded, elapsed)
        data_ok = check_database(app, before, loaded)
        print(f"\nall targets met: {pages_ok and data_ok}")


if __name__ == "__main__":
    main()
