"""Where a broad text's two ways cross (issue 18): the CRM's customer list and customer picker, searched through
the substring index and the broad way (the LIKEs on the rows read), paired, per scope and text.

Builds bench/search_bench.py's customers (``--customers``, default 100,000: city and company words of known
frequency), then for the manager, a supervisor (a team of five, a quarter of the customers) and a representative
(a twentieth) requests each text's page both ways in turn, the choice forced, and prints the medians, which way is
faster, and the text's entries in the index. It is what ``search_terms.BROAD_SCOPE_SHARE`` (the list) and
``lookups._read_as_broad`` (the picker) were set from; run it again when either way changes.

    .venv/bin/python -m bench.broad_texts                                 # SQLite, 100,000 customers
    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.broad_texts
    .venv/bin/python -m bench.broad_texts --texts 科技,星 --rounds 12
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from unittest import mock
from urllib.parse import quote

from flask import Flask

from bench.crm_bench import analyze, build_people
from bench.harness import bench_app, sign_in
from bench.search_bench import build

#: Texts by how many customers hold them: one name in ten, one in sixteen (at the start of names), about one in
#: forty (twice), one in about 1,500, none.
TEXTS = ("科技", "北京", "星", "宏", "星河", "有限公司")
LOGINS = ("manager", "sup0", "rep0")


def entries(app: Flask, text: str) -> int:
    """How many entries the substring index holds for ``text`` (every one counted)."""
    from core.extensions import db
    from plugins.crm.services.search_terms import (
        candidate_count,
        search_parameters,
        search_shapes,
        search_terms,
    )

    terms = search_terms(text)
    if not terms:
        return 0
    with app.app_context():
        statement = candidate_count(search_shapes(terms))
        return db.session.connection().scalar(statement, {**search_parameters(terms), "broad_at": 10**9}) or 0


def paired(app: Flask, login: str, url: str, force: Callable[[bool], object], rounds: int) -> dict[bool, float]:
    """{broad: median ms} of ``url`` as ``login``, the two ways alternating (``force(broad)``: a patch)."""
    client = app.test_client()
    sign_in(app, client, login)
    times: dict[bool, list[float]] = {True: [], False: []}
    for round_ in range(rounds + 1):
        for broad in (True, False):
            with force(broad):
                started = time.perf_counter()
                response = client.get(url)
                if round_:  # the first round warms caches and compiled statements
                    times[broad].append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
    return {broad: statistics.median(seconds) * 1000 for broad, seconds in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000, help="customers (default 100,000)")
    parser.add_argument("--texts", default=",".join(TEXTS), help="comma-separated texts (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=8, help="requests each way per page (default 8)")
    args = parser.parse_args()
    import plugins.crm.lookups as lookups
    import plugins.crm.views.customer_list as customer_list

    pages = {"list": ("/crm/customers?q=", customer_list, "is_broad"),
             "picker": ("/lookup/crm.customer?q=", lookups, "_read_as_broad")}
    with bench_app("crm", "pipeline") as app:
        build_people(app)
        build(app, min(args.customers, 10_000))
        if args.customers > 10_000:
            build(app, args.customers, start=10_000)
        analyze(app)
        texts = args.texts.split(",")
        print(f"{args.customers:,} customers on {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}; entries: "
              + ", ".join(f"{text} {entries(app, text):,}" for text in texts), flush=True)
        for page, (prefix, module, name) in pages.items():
            for login in LOGINS:
                for text in texts:
                    def force(broad: bool, module: object = module, name: str = name) -> object:
                        return mock.patch.object(module, name, lambda *_args: broad)

                    ms = paired(app, login, prefix + quote(text), force, args.rounds)
                    faster = "broad" if ms[True] < ms[False] else "index"
                    print(f"{page:<7} {login:<8} {text:<5} index {ms[False]:7.1f} ms   broad {ms[True]:7.1f} ms   "
                          f"{faster} faster", flush=True)


if __name__ == "__main__":
    main()
