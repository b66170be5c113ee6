"""Benchmark of the appraisal plugin (issue 13 "Performance"): prints ratios, not seconds.

- opening a monthly cycle for 2,000 people (appraisals and their indicator rows, set-based and idempotent) / one
  bare INSERT ... SELECT of the same appraisal rows (target at most 3);
- reading the results of that cycle: how many ``compute`` calls per KPI (target one) and the time against the
  KPIs' own compute calls alone;
- the calibration page and the HR overview at 2,000 people × 24 months / at 200 people × 24 months (target at most
  1.5), and each page's time against its SQL alone.

    .venv/bin/python -m bench.appraisal_bench                        # SQLite
    .venv/bin/python -m bench.appraisal_bench --small 100 --large 1000
    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.appraisal_bench

Where a page's Python goes (issue 18), on the large company only: ``--profile 40`` prints the CPU a request of the
calibration page (``--url`` for another) and its 40 costliest functions over ``--requests`` requests; ``--dump DIR``
writes the HTML of the calibration and overview pages in en and zh_Hans, to compare before and after a change
(``diff -r``).

    .venv/bin/python -m bench.appraisal_bench --profile 40
    .venv/bin/python -m bench.appraisal_bench --dump /tmp/appraisal-before
"""

from __future__ import annotations

import argparse
import re
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from flask import Flask
from sqlalchemy import insert, literal, select, text, update

from bench.crm_bench import analyze
from bench.harness import (
    bench_app,
    profile_page,
    set_locale,
    sign_in,
    time_call,
    time_page,
)
from core.contracts import Period

MONTHS = 24
SUPERVISORS = 40


def month(n_back: int, today: date) -> Period:
    year, mon = today.year, today.month - n_back
    while mon <= 0:
        year, mon = year - 1, mon + 12
    end_year, end_month = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return Period(date(year, mon, 1), date(end_year, end_month, 1))


def build_people(app: Flask, people: int) -> None:
    """HR, a manager, supervisors and ``people`` representatives (bulk insert), and the representatives'
    template: sales revenue 60 %, two behaviours 20 % each."""
    from core.extensions import db
    from core.identity.models import User
    from core.identity.users import create_user
    from plugins.appraisal.services.sources import available_kpis
    from plugins.appraisal.services.templates import IndicatorInput, save_template

    with app.app_context():
        hr = create_user(db.session, login="hr", name="人事", password="Bench-pass-1", check_password=False,
                         position="hr", roles=["hr"])
        manager = create_user(db.session, login="manager", name="经理", password="Bench-pass-1",
                              check_password=False, position="sales_manager", roles=["sales_manager"])
        db.session.flush()
        db.session.execute(insert(User), [
            {"login": f"sup{i}", "name": f"主管{i}", "session_token": f"s{i}", "active": True,
             "position": "sales_supervisor", "superior_id": manager.id} for i in range(SUPERVISORS)])
        supervisors = list(db.session.scalars(select(User.id).where(User.position == "sales_supervisor")))
        db.session.execute(insert(User), [
            {"login": f"rep{i}", "name": f"代表{i}", "session_token": f"r{i}", "active": True,
             "position": "sales_rep", "superior_id": supervisors[i % len(supervisors)]} for i in range(people)])
        anchors = "1\n2\n3\n4\n5"
        save_template(db.session, hr, "sales_rep", "代表月度考核", [
            IndicatorInput("result", "销售额", Decimal("60"), kpi_key="pipeline.revenue", target=Decimal("50000"),
                           rule="linear", cap=Decimal("120")),
            IndicatorInput("behaviour", "工作态度", Decimal("20"), anchors=anchors),
            IndicatorInput("behaviour", "团队协作", Decimal("20"), anchors=anchors)], available_kpis())
        db.session.commit()


def opening_ratio(app: Flask, today: date) -> str:
    """open_cycle (appraisals + indicator rows, ON CONFLICT, RETURNING) / a bare INSERT ... SELECT of the appraisals,
    each in a transaction rolled back so that every repetition does the same work."""
    from core.extensions import db
    from core.identity.models import User
    from plugins.appraisal.models import Appraisal, Cycle, Indicator, Score, Template
    from plugins.appraisal.services.cycles import ensure_cycle, open_cycle

    period = month(0, today)
    with app.app_context():
        cycle_id = ensure_cycle(db.session, "monthly", period)
        db.session.commit()
        due = db.session.get(Cycle, cycle_id).due_on

        def ours() -> None:
            open_cycle(db.session, "monthly", period)
            db.session.rollback()

        def bare_rows() -> None:
            rows = (select(literal(cycle_id), literal("monthly"), literal(period.start), User.id, Template.id,
                           User.superior_id, literal("self_assessment"), literal(due), literal(Decimal("1")),
                           literal(0), literal(date(2026, 1, 1)), literal(1))
                    .join(Template, (Template.position == User.position) & Template.current.is_(True))
                    .where(User.active.is_(True)))
            db.session.execute(insert(Appraisal.__table__).from_select(
                ["cycle_id", "kind", "period_start", "employee_id", "template_id", "reviewer_id", "state", "due_on",
                 "prorata", "customer_responses", "created_at", "version"], rows))

        def bare() -> None:
            bare_rows()
            db.session.rollback()

        def bare_with_indicators() -> None:  # the same rows as ours: the appraisals, then their indicator rows
            bare_rows()
            db.session.execute(insert(Score.__table__).from_select(
                ["appraisal_id", "indicator_id"],
                select(Appraisal.id, Indicator.id).join(Indicator, Indicator.template_id == Appraisal.template_id)
                .where(Appraisal.cycle_id == cycle_id)))
            db.session.rollback()

        ours_time, bare_time, both_time = time_call(ours), time_call(bare), time_call(bare_with_indicators)
        return f"{'open a cycle (appraisals + indicators)':<44} ours/bare INSERT...SELECT = {ours_time / bare_time:5.2f}" \
               f"   (ours {ours_time * 1000:.0f} ms, bare appraisals {bare_time * 1000:.0f} ms)\n" \
               f"{'':<44} ours/bare appraisals+indicators = {ours_time / both_time:5.2f}" \
               f"   (bare appraisals and indicator rows {both_time * 1000:.0f} ms)"


def pull_ratio(app: Flask, today: date) -> str:
    """Reading a cycle's results: compute calls per KPI, and the pull's time / its compute calls alone."""
    from dataclasses import replace

    from core.extensions import db
    from plugins.appraisal.models import Cycle
    from plugins.appraisal.services import pulling
    from plugins.appraisal.services.cycles import open_cycle

    period = month(0, today)
    with app.app_context():
        cycle = db.session.get(Cycle, open_cycle(db.session, "monthly", period).cycle_id)
        db.session.commit()
        calls: list[float] = []
        real = pulling.available_kpis

        def timed() -> dict:
            kpis = real()
            for key, kpi in list(kpis.items()):
                def compute(ids, p, _kpi=kpi):  # type: ignore[no-untyped-def]
                    started = time.perf_counter()
                    try:
                        return _kpi.compute(ids, p)
                    finally:
                        calls.append(time.perf_counter() - started)
                kpis[key] = replace(kpi, compute=compute)
            return kpis

        pulling.available_kpis = timed
        try:
            started = time.perf_counter()
            count = pulling.pull_cycle(db.session, cycle)
            total = time.perf_counter() - started
            db.session.rollback()
        finally:
            pulling.available_kpis = real
        kpi_time = sum(calls)
        return f"{'read results of a cycle':<44} compute calls = {len(calls)} for 1 KPI; pull/compute = " \
               f"{total / kpi_time if kpi_time else float('inf'):5.2f}   ({count} appraisals, pull {total * 1000:.0f} ms," \
               f" compute {kpi_time * 1000:.0f} ms)"


def build_history(app: Flask, today: date) -> int:
    """24 monthly cycles opened the way the job opens them, with scores and grades set in bulk; the latest one
    waiting for calibration. Returns the latest cycle's id."""
    from core.extensions import db
    from plugins.appraisal.models import Appraisal
    from plugins.appraisal.services.cycles import open_cycle

    with app.app_context():
        latest = 0
        for back in range(MONTHS, 0, -1):
            latest = open_cycle(db.session, "monthly", month(back, today)).cycle_id
        table = Appraisal.__table__
        db.session.execute(update(table).values(
            state="closed", final_score=(table.c.id % 60) + 45, self_score=(table.c.id % 50) + 50,
            superior_score=(table.c.id % 55) + 45, result_score=(table.c.id % 70) + 40))
        db.session.execute(text(
            "UPDATE appraisal_appraisal SET grade = CASE WHEN final_score >= 90 THEN 'excellent' "
            "WHEN final_score >= 80 THEN 'good' WHEN final_score >= 70 THEN 'pass' WHEN final_score >= 60 "
            "THEN 'improve' ELSE 'fail' END"))
        db.session.execute(update(table).where(table.c.cycle_id == latest).values(state="calibration"))
        db.session.commit()
        return latest


def pages(app: Flask, cycle_id: int, repeat: int = 7) -> dict[str, object]:
    return {
        "calibration": time_page(app, f"/appraisal/calibration?cycle={cycle_id}", "manager", repeat=repeat),
        "HR overview": time_page(app, f"/appraisal/overview?cycle={cycle_id}", "hr", repeat=repeat),
    }


def dumped_urls(cycle_id: int) -> list[tuple[str, str]]:
    """(signed-in login, URL) of the pages ``--dump`` writes: calibration plain, sorted, deep, searched, an older
    (closed) cycle, a search that matches nothing; the HR overview."""
    calibration = f"/appraisal/calibration?cycle={cycle_id}"
    return [("manager", calibration), ("manager", f"{calibration}&sort=name"),
            ("manager", f"{calibration}&page=7&per_page=100"), ("manager", f"{calibration}&q=代表1"),
            ("manager", f"/appraisal/calibration?cycle={cycle_id - 1}&sort=-name"),
            ("manager", f"{calibration}&q=nobody"), ("hr", f"/appraisal/overview?cycle={cycle_id}")]


#: The board's token for its script (data-csrf), masked as list_profile masks the forms' tokens.
_DATA_CSRF = re.compile(rb'(?<=data-csrf=")[^"]+')


def dump(app: Flask, pages: list[tuple[str, str]], folder: Path) -> None:
    """Each (login, URL) of ``pages`` in en and zh_Hans, CSRF tokens masked, one file a page (also used by
    pipeline_bench)."""
    from bench.list_profile import _CSRF

    for locale in ("en", "zh_Hans"):
        (folder / locale).mkdir(parents=True, exist_ok=True)
        for number, (login, url) in enumerate(pages):
            set_locale(app, login, locale)
            client = app.test_client()
            sign_in(app, client, login)
            response = client.get(url)
            (folder / locale / f"{number}.html").write_bytes(_DATA_CSRF.sub(b"CSRF", _CSRF.sub(b"CSRF", response.data)))
    print(f"wrote {len(pages)} pages × 2 locales to {folder}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=200, help="people in the small company (default 200)")
    parser.add_argument("--large", type=int, default=2000, help="people in the large company (default 2,000)")
    parser.add_argument("--repeat", type=int, default=7, help="requests a page's median is taken over (default 7; "
                        "more on a busy machine)")
    parser.add_argument("--profile", type=int, metavar="N", help="large company only: CPU a request and a cProfile's "
                        "N costliest functions (0: the CPU alone)")
    parser.add_argument("--url", help="the page --profile requests (default: the calibration page, as the manager)")
    parser.add_argument("--login", default="manager", help="who --profile signs in as (default manager)")
    parser.add_argument("--requests", type=int, default=300, help="requests --profile makes (default 300)")
    parser.add_argument("--dump", type=Path, metavar="DIR", help="large company only: write the pages' HTML here")
    args = parser.parse_args()
    today = date.today()
    if args.profile is not None or args.dump:
        with bench_app("crm", "pipeline", "appraisal") as app:
            build_people(app, args.large)
            cycle_id = build_history(app, today)
            if args.dump:
                dump(app, dumped_urls(cycle_id), args.dump)
            else:
                profile_page(app, args.url or f"/appraisal/calibration?cycle={cycle_id}", args.login, args.requests,
                        args.profile)
        return
    results = {}
    for size in (args.small, args.large):
        with bench_app("crm", "pipeline", "appraisal") as app:
            started = time.perf_counter()
            build_people(app, size)
            if size == args.large:
                print(opening_ratio(app, today))
                print(pull_ratio(app, today))
            cycle_id = build_history(app, today)
            analyze(app)  # fresh statistics after the bulk update, as autovacuum keeps them (else 92 rows estimated)
            print(f"built {size:,} people × {MONTHS} months in {time.perf_counter() - started:.0f} s on "
                  f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}")
            results[size] = pages(app, cycle_id, args.repeat)
            for label, timing in results[size].items():
                print(timing.report(f"{label} ({size:,} people)"))  # type: ignore[attr-defined]
    for label in results[args.small]:
        small, large = results[args.small][label], results[args.large][label]
        print(f"{label + ' large/small':<44} = {large.page_seconds / small.page_seconds:5.2f}   "  # type: ignore[attr-defined]
              f"(statements {small.statements} → {large.statements})")  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
