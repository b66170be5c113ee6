"""Where the CRM customer list's time goes in process (issue 18): CPU per request, a cProfile, and the HTML.

Builds a small CRM (``--customers``, default 5,000, with bench/crm_bench.py's data), signs in the manager and
requests the list ``--requests`` times through the test client. Prints the CPU time a request (``process_time``:
the machine is shared, so wall time would measure the other engineers too), the time its SQL takes replayed alone,
and, with ``--profile``, the functions that cost most. ``--dump DIR`` writes each of a few list pages' HTML, in
English and Chinese, to compare the output before and after a change (``diff -r``).

    .venv/bin/python -m bench.list_profile                          # CPU a request, SQLite
    .venv/bin/python -m bench.list_profile --profile 40             # and the 40 costliest functions (cumulative)
    .venv/bin/python -m bench.list_profile --dump /tmp/lists-after  # the pages' HTML
    .venv/bin/python -m bench.list_profile --stdin-rounds --requests 50  # a round of 50 requests per line read
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import statistics
import sys
from pathlib import Path

from bench.crm_bench import analyze, build, build_people
from bench.harness import SQLRecorder, bench_app, cpu_per_request, set_locale, sign_in, sql_seconds

URL = "/crm/customers?grade=A&sort=name&page=3"
#: Pages whose HTML ``--dump`` writes: the list plain, filtered, sorted, deep, searched, grouped, empty.
DUMPED = (URL, "/crm/customers", "/crm/customers?page=40&per_page=50", "/crm/customers?sort=-grade&state=customer",
          "/crm/customers?q=客户0001", "/crm/customers?group=grade", "/crm/customers?grade=Z&tag=重点",
          "/crm/customers?q=nothing-matches", "/crm/customers?per_page=100&owner=3")


#: A CSRF token differs at every sign-in: masked, so that two dumps compare equal.
_CSRF = re.compile(rb'(?<=csrf_token" value=")[^"]+|(?<="X-CSRFToken": ")[^"]+')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--url", default=URL)
    parser.add_argument("--locale", default="zh_Hans")
    parser.add_argument("--profile", type=int, default=0, help="print this many functions of a cProfile")
    parser.add_argument("--stdin-rounds", action="store_true",
                        help="after building, run --requests requests for each line read on stdin and print their "
                             "CPU ms a request (a driver alternates two copies of the code, so both see the same load)")
    parser.add_argument("--save", type=Path, help="write the cProfile's stats to this file (pstats)")
    parser.add_argument("--dump", type=Path, help="write the HTML of a few list pages in en and zh_Hans here")
    args = parser.parse_args()
    with bench_app("crm") as app:
        with app.app_context():
            from core.setup import disable_plugins

            for dependent in app.extensions["netsales"].enabled_dependents("crm"):
                disable_plugins(app, dependent)  # as crm_bench does
        build_people(app)
        build(app, args.customers)
        analyze(app)
        from core.extensions import db

        with app.app_context():
            engine = db.engine
        if args.dump:
            for locale in ("en", "zh_Hans"):
                set_locale(app, "manager", locale)
                client = app.test_client()
                sign_in(app, client, "manager")
                folder = args.dump / locale
                folder.mkdir(parents=True, exist_ok=True)
                for number, url in enumerate(DUMPED):
                    response = client.get(url)
                    (folder / f"{number}.html").write_bytes(_CSRF.sub(b"CSRF", response.data))
            print(f"wrote {len(DUMPED)} pages × 2 locales to {args.dump}")
            return
        set_locale(app, "manager", args.locale)
        client = app.test_client()
        sign_in(app, client, "manager")
        for _ in range(20):
            client.get(args.url)  # warm: compiled statements, templates, catalogues
        with SQLRecorder(engine) as recorder:
            client.get(args.url)
        sql = statistics.median(sql_seconds(engine, recorder.statements) for _ in range(20))
        if args.stdin_rounds:
            print("ready", flush=True)
            for _line in sys.stdin:
                print(f"{cpu_per_request(app, client, args.url, args.requests, rounds=1)[0] * 1000:.4f}", flush=True)
            return
        samples = cpu_per_request(app, client, args.url, args.requests)
        cpu = statistics.median(samples)
        print(f"{args.url} ({args.locale}, {args.customers:,} customers, "
              f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}): CPU {cpu * 1000:.2f} ms a request "
              f"(rounds {', '.join(f'{s * 1000:.2f}' for s in samples)}), {len(recorder.statements)} statements, "
              f"SQL replayed {sql * 1000:.2f} ms, CPU ÷ SQL {cpu / sql:.2f}")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                client.get(args.url)
            profiler.disable()
            if args.save:
                profiler.dump_stats(args.save)
            stats = pstats.Stats(profiler).strip_dirs()
            stats.sort_stats("cumulative").print_stats(args.profile)
            stats.sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
