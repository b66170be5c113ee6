"""Our customer list against Flask-AppBuilder and against the bare-Flask floor, over HTTP (issue 18 part 4).

100,000 customers (bench/crm_bench.py's data, without interactions); the page: grade A, sorted by name, third page,
as a manager who sees every customer. Three gunicorn servers on 127.0.0.1, one worker each, one thread:
- ours: `netsales run --workers 1 --threads 1 --no-jobs`, signed in through the login form;
- Flask-AppBuilder (bench/peers/fab_app.py): a ModelView of the same table, signed in through FAB's login form;
- the floor (bench/peers/floor_customers.py): a bare Flask + Jinja page running the SQL our page ran for its rows
  (recorded from our page), no login.
One client requests the three in turn, ``--rounds`` times, a new connection each; the medians give
ours ÷ FAB (target <= 0.4) and ours ÷ floor (target <= 1.5) from the same run.

    .venv/bin/pip install -e '.[bench]'       # flask-appbuilder
    .venv/bin/python -m bench.peers_bench [--customers 100000] [--rounds 200]
    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.peers_bench
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import crm_bench
from bench.browser import Browser
from bench.harness import SQLRecorder, bench_app, sign_in
from bench.servers import free_port, gunicorn_command, netsales_command, netsales_environment, serving

MANAGER_PASSWORD = "Bench-manager-2026"
OUR_URL = "/crm/customers?grade=A&sort=name&page=3"
FAB_URL = ("/customerview/list/?_flt_3_grade=A&_oc_CustomerView=name&_od_CustomerView=asc"
           "&psize_CustomerView=25&page_CustomerView=2")  # FAB's pages count from 0; filter 3 of a string: equal
FLOOR_URL = "/customers"
#: The customers' names as crm_bench writes them: the three pages must show the same ones, in the same order.
CUSTOMER_NAME = re.compile(r"客户\d{6}科技有限公司")


def prepare(app: Any, customers: int) -> None:
    """People, the manager's password, ``customers`` customers (no interactions: the list does not read them)."""
    from core.extensions import db
    from core.identity.models import User
    from core.identity.users import set_password

    engine = app.extensions["netsales"]
    with app.app_context():
        from core.setup import disable_plugins

        for dependent in engine.enabled_dependents("crm"):
            disable_plugins(app, dependent)
    crm_bench.build_people(app)
    with app.app_context():
        set_password(db.session.query(User).filter_by(login="manager").one(), MANAGER_PASSWORD, check=False)
        db.session.commit()
    crm_bench.INTERACTIONS_PER_CUSTOMER = 0
    crm_bench.build(app, customers)
    crm_bench.analyze(app)


def list_statements(app: Any) -> list[tuple[str, Any]]:
    """The statements our list page runs for its rows (the shell's own, the counters, the user, the badge, left
    out): what the floor runs."""
    from core.extensions import db

    client = app.test_client()
    sign_in(app, client, "manager")
    client.get(OUR_URL)
    with app.app_context():
        engine = db.engine
    with SQLRecorder(engine) as recorder:
        response = client.get(OUR_URL)
    if response.status_code != 200:
        raise RuntimeError(f"{OUR_URL} answered HTTP {response.status_code}")
    return [(s, p) for s, p in recorder.statements if "crm_" in s and "core_change_counter" not in s]


def sign_in_ours(browser: Browser) -> None:
    answer = browser.post("/login", {"login": "manager", "password": MANAGER_PASSWORD})
    if answer.status != 200 or "/login" in answer.url:
        raise RuntimeError(f"could not sign in to NetSales (HTTP {answer.status}, at {answer.url})")


def sign_in_fab(browser: Browser) -> None:
    from bench.peers.fab_app import LOGIN, PASSWORD

    answer = browser.post("/login/", {"username": LOGIN, "password": PASSWORD})
    if answer.status != 200 or "/login" in answer.url:
        raise RuntimeError(f"could not sign in to Flask-AppBuilder (HTTP {answer.status}, at {answer.url})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200, help="requests of each page (default 200)")
    args = parser.parse_args()
    if importlib.util.find_spec("flask_appbuilder") is None:  # its server would never answer: say why at once
        raise SystemExit("Flask-AppBuilder is not installed: .venv/bin/pip install -e '.[bench]'")
    with bench_app("crm") as app:
        started = time.perf_counter()
        prepare(app, args.customers)
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        print(f"built {args.customers:,} customers on {url.split(':')[0]} ({time.perf_counter() - started:.0f} s)")
        statements = list_statements(app)
        folder = Path(tempfile.mkdtemp(prefix="netsales-peers-"))
        (folder / "statements.json").write_text(json.dumps(statements, default=str), encoding="utf-8")
        ports = {"ours": free_port(), "fab": free_port(), "floor": free_port()}
        peer_env = {"NETSALES_PEER_DATABASE_URL": url, "NETSALES_PEER_STATEMENTS": str(folder / "statements.json")}
        commands = {
            "ours": (netsales_command(ports["ours"], workers=1, threads=1, jobs=False), netsales_environment(app),
                     ports["ours"]),
            "fab": (gunicorn_command(ports["fab"], "bench.peers.fab_app:create_app()"), peer_env, ports["fab"]),
            "floor": (gunicorn_command(ports["floor"], "bench.peers.floor_customers:create_app()"), peer_env,
                      ports["floor"]),
        }
        with serving(commands, folder):
            browsers = {name: Browser(f"http://127.0.0.1:{port}") for name, port in ports.items()}
            sign_in_ours(browsers["ours"])
            sign_in_fab(browsers["fab"])
            urls = {"ours": OUR_URL, "fab": FAB_URL, "floor": FLOOR_URL}
            times: dict[str, list[float]] = {name: [] for name in urls}
            sizes: dict[str, int] = {}
            shown: dict[str, list[str]] = {}
            for name in urls:  # warm each worker, and check the pages are what we mean to compare
                answer = browsers[name].get(urls[name])
                if answer.status != 200:
                    raise RuntimeError(f"{name}: {urls[name]} answered HTTP {answer.status}")
                sizes[name] = len(answer.body.encode())
                shown[name] = list(dict.fromkeys(CUSTOMER_NAME.findall(answer.body)))
            if not shown["ours"] or any(rows != shown["ours"] for rows in shown.values()):
                raise RuntimeError(f"the three pages do not show the same customers: { {k: v[:3] for k, v in shown.items()} }")
            print(f"all three show the same {len(shown['ours'])} customers, {shown['ours'][0]} first")
            for _ in range(args.rounds):
                for name in urls:
                    answer = browsers[name].get(urls[name])
                    if answer.status != 200:
                        raise RuntimeError(f"{name}: HTTP {answer.status}")
                    times[name].append(answer.seconds)
        medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
        for name in urls:
            print(f"{name:<6} median {medians[name]:6.2f} ms   p90 "
                  f"{statistics.quantiles(times[name], n=10)[-1] * 1000:6.2f} ms   {sizes[name]:,} bytes")
        print(f"ours ÷ Flask-AppBuilder = {medians['ours'] / medians['fab']:5.2f}   (target <= 0.4)")
        print(f"ours ÷ floor            = {medians['ours'] / medians['floor']:5.2f}   (target <= 1.5)")
        print(f"({len(statements)} list statements replayed by the floor; logs in {folder})")


if __name__ == "__main__":
    main()
