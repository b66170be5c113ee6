"""Benchmark of the signed-in shell every page pays (issues 5-7 "Performance"): login, grants, the menu built from
the plugins' hooks, settings, locale, the notification badge, the base layout. Prints ratios only (bench/README.md).

With CRM, pipeline and expenses enabled (a full menu), for an administrator and for a sales representative:

- the shell ratio (issue 18 part 3, target <= 1.5): a signed-in page with no SQL of its own (the layout around a
  heading: menu, notifications badge, language switch) ÷ the same layout, templates/base.html, rendered by a bare
  Flask + Jinja view with no session and no database (bench/peers/shell_floor.py). The two are requested in
  turn from one process, so a loaded machine slows both alike; the ratio is of the medians.
- page / SQL and the number of statements for the dashboard, the profile, the notifications page and the users
  list at ``--users`` users; near-empty pages show what the shell alone costs.
- ``--http``: the same two pages served by gunicorn on 127.0.0.1 (one worker, one thread each; ours signed in
  through the login form, bench/peers/shell_served.py), requested in turn over HTTP: the ratio as a browser sees it.
  A third server, the floor that also runs our page's one statement (recorded from our page, replayed on a pooled
  connection in autocommit), gives the ratio against the floor proposed for PostgreSQL.
- ``--profile`` prints where the signed-in shell page's time goes (cProfile, by cumulative and own time).

    .venv/bin/python -m bench.shell_bench [--users 2000] [--rounds 300] [--http | --profile | --shell-only]
    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.shell_bench
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from sqlalchemy import insert, select

from bench.harness import bench_app, print_profile, sign_in, time_page
from bench.peers.shell_floor import SHELL_PAGE, SHELL_URL, add_page_template, floor_app, layout_rules

PAGES = (
    ("dashboard", "/", ("admin", "rep")),
    ("profile", "/profile", ("admin", "rep")),
    ("notifications", "/notifications/", ("admin",)),
    ("users list", "/admin/users", ("admin",)),
    ("users list, search + sort", "/admin/users?q=user01&sort=login&page=2", ("admin",)),
    ("CRM customers (empty)", "/crm/customers", ("rep",)),
)


def build(app: Any, users: int) -> None:
    """An administrator, a representative under a manager, and ``users`` more users in bulk."""
    from core.extensions import db
    from core.identity.models import Role, User, user_roles
    from core.identity.users import create_user, new_session_token
    from core.timeutil import utcnow

    with app.app_context():
        create_user(db.session, login="admin", name="Admin", roles=["admin"], position="admin")
        manager = create_user(db.session, login="manager", name="Manager", roles=["sales_manager"],
                              position="sales_manager")
        create_user(db.session, login="rep", name="Rep", roles=["sales_rep"], position="sales_rep",
                    superior_id=manager.id)
        db.session.flush()
        rep_role = db.session.scalar(select(Role.id).where(Role.code == "sales_rep"))
        now = utcnow()
        ids = list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), [
            {"login": f"user{n:05d}", "name": f"用户{n:05d}", "position": "sales_rep", "active": True,
             "session_token": new_session_token(), "superior_id": manager.id, "created_at": now}
            for n in range(users)]))
        db.session.execute(insert(user_roles), [{"user_id": i, "role_id": rep_role} for i in ids])
        db.session.commit()


_captured_menus: dict[str, list[dict[str, Any]]] = {}


def add_shell_page(app: Any) -> None:
    """Our signed-in page with no SQL of its own, at SHELL_URL (the bench app only; no test walks it)."""
    from flask import g, render_template
    from flask_login import current_user

    from core.security import authenticated

    add_page_template(app)

    @authenticated
    def bench_shell_page() -> str:
        html = render_template(SHELL_PAGE)
        _captured_menus.setdefault(current_user.login, list(g.get("_netsales_menu") or []))
        return html

    app.add_url_rule(SHELL_URL, "bench_shell_page", bench_shell_page)


def shell_ratio(app: Any, login: str, rounds: int) -> str:
    """Our shell page ÷ the bare Flask floor, medians of ``rounds`` requests of each, taken in turn."""
    from core.extensions import db
    from core.identity.models import User
    from core.settings import get_setting

    ours = app.test_client()
    sign_in(app, ours, login)
    first = ours.get(SHELL_URL)
    if first.status_code != 200:
        raise RuntimeError(f"{SHELL_URL} answered HTTP {first.status_code} for {login}")
    with app.app_context():
        name = db.session.query(User.name).filter_by(login=login).scalar()
        company = get_setting("core.company_name") or app.config["COMPANY_NAME"]
        db.session.remove()
    floor = floor_app(_captured_menus[login], name, company, layout_rules(app)).test_client()
    floor_first = floor.get(SHELL_URL)
    wall: dict[str, list[float]] = {"ours": [], "floor": []}
    cpu: dict[str, list[float]] = {"ours": [], "floor": []}
    for _ in range(rounds):
        for name, client in (("ours", ours), ("floor", floor)):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(SHELL_URL)
            wall[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)
    # CPU time of this process: what a loaded machine's scheduler adds is left out; it also leaves out
    # PostgreSQL's own work (another process), so on PostgreSQL the wall ratio is the one that counts.
    ours_ms, floor_ms = statistics.median(wall["ours"]) * 1000, statistics.median(wall["floor"]) * 1000
    ours_cpu, floor_cpu = sum(cpu["ours"]) / rounds * 1000, sum(cpu["floor"]) / rounds * 1000
    return (f"{'shell ÷ bare Flask (' + login + ')':<40} ratio = {ours_ms / floor_ms:5.2f} wall, "
            f"{ours_cpu / floor_cpu:5.2f} CPU   (target <= 1.5; ours {ours_ms:.2f} ms wall {ours_cpu:.2f} ms CPU, "
            f"{len(first.data):,} bytes; floor {floor_ms:.2f} ms wall {floor_cpu:.2f} ms CPU, "
            f"{len(floor_first.data):,} bytes)")


HTTP_PASSWORD = "Bench-shell-2026"


def shell_ratio_http(app: Any, login: str, rounds: int) -> str:
    """Our shell page ÷ the floor, all served by gunicorn, medians of ``rounds`` requests of each taken in turn;
    and ours ÷ the floor that also runs our page's one statement (the floor proposed for PostgreSQL)."""
    import json
    import tempfile
    from pathlib import Path

    from bench.browser import Browser
    from bench.harness import SQLRecorder
    from bench.servers import free_port, gunicorn_command, netsales_environment, serving
    from core.extensions import db
    from core.identity.models import User
    from core.identity.users import set_password
    from core.settings import get_setting

    shell_ratio(app, login, 1)  # captures the menu our app draws for this user
    with app.app_context():
        user = db.session.query(User).filter_by(login=login).one()
        set_password(user, HTTP_PASSWORD, check=False)
        name = user.name
        company = get_setting("core.company_name") or app.config["COMPANY_NAME"]
        db.session.commit()
        engine = db.engine
    statements = _shell_statements(app, engine, login, SQLRecorder)
    folder = Path(tempfile.mkdtemp(prefix="netsales-shell-"))
    given = {"menu": _captured_menus[login], "user_name": name, "company_name": company, "rules": layout_rules(app)}
    (folder / "floor.json").write_text(json.dumps(given), encoding="utf-8")
    (folder / "floor_sql.json").write_text(json.dumps({**given, "statements": statements, "database_url": str(
        app.config["SQLALCHEMY_DATABASE_URI"])}, default=str), encoding="utf-8")
    ports = {"ours": free_port(), "floor": free_port(), "floor_sql": free_port()}
    commands = {
        "ours": (gunicorn_command(ports["ours"], "bench.peers.shell_served:ours()"), netsales_environment(app),
                 ports["ours"]),
        **{floor: (gunicorn_command(ports[floor], "bench.peers.shell_served:floor()"),
                   {"NETSALES_SHELL_FLOOR": str(folder / f"{floor}.json")}, ports[floor])
           for floor in ("floor", "floor_sql")},
    }
    with serving(commands, folder):
        browsers = {name: Browser(f"http://127.0.0.1:{port}") for name, port in ports.items()}
        signed = browsers["ours"].post("/login", {"login": login, "password": HTTP_PASSWORD})
        if signed.status != 200 or "/login" in signed.url:
            raise RuntimeError(f"{login} could not sign in over HTTP (HTTP {signed.status})")
        times: dict[str, list[float]] = {name: [] for name in browsers}
        sizes = {name: len(browser.get(SHELL_URL).body.encode()) for name, browser in browsers.items()}
        for _ in range(rounds):
            for name, browser in browsers.items():
                answer = browser.get(SHELL_URL)
                if answer.status != 200:
                    raise RuntimeError(f"{name}: {SHELL_URL} answered HTTP {answer.status}")
                times[name].append(answer.seconds)
    ours_ms, floor_ms, floor_sql_ms = (statistics.median(times[name]) * 1000
                                       for name in ("ours", "floor", "floor_sql"))
    return (f"{'shell ÷ bare Flask over HTTP (' + login + ')':<40} ratio = {ours_ms / floor_ms:5.2f}   "
            f"(target <= 1.5; ours {ours_ms:.2f} ms, {sizes['ours']:,} bytes; floor {floor_ms:.2f} ms, "
            f"{sizes['floor']:,} bytes)\n"
            f"{'  ÷ the floor running our ' + str(len(statements)) + ' statement(s)':<40} ratio = "
            f"{ours_ms / floor_sql_ms:5.2f}   (the floor proposed for PostgreSQL: {floor_sql_ms:.2f} ms)")


def _shell_statements(app: Any, engine: Any, login: str, recorder: Any) -> list[tuple[str, Any]]:
    """The statements our shell page runs for ``login`` (one: the user with the shell's figures), as recorded from a
    request of a signed-in session, so that replayed they find that session's row as ours does."""
    client = app.test_client()
    sign_in(app, client, login)
    client.get(SHELL_URL)
    with recorder(engine) as recorded:
        client.get(SHELL_URL)
    return list(recorded.statements)


def profile_shell(app: Any, login: str, rounds: int) -> None:
    """cProfile of ``rounds`` requests of our shell page: the top functions by cumulative and by own time."""
    client = app.test_client()
    sign_in(app, client, login)
    client.get(SHELL_URL)
    print_profile(client, SHELL_URL, rounds, 45, own=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=300, help="requests of each page for the shell ratio")
    parser.add_argument("--profile", action="store_true", help="profile the shell page instead of timing pages")
    parser.add_argument("--http", action="store_true", help="the shell ratio over HTTP (gunicorn) only")
    parser.add_argument("--shell-only", action="store_true", help="the shell ratio in process only, no other pages")
    args = parser.parse_args()
    with bench_app("crm", "pipeline", "expenses") as app:
        build(app, args.users)
        add_shell_page(app)
        if args.profile:
            profile_shell(app, "rep", args.rounds)
            return
        if args.http:
            for login in ("admin", "rep"):
                print(shell_ratio_http(app, login, args.rounds))
            return
        for login in ("admin", "rep"):
            print(shell_ratio(app, login, args.rounds))
        if args.shell_only:
            return
        for label, url, logins in PAGES:
            for login in logins:
                try:
                    print(time_page(app, url, login).report(f"{label} ({login})"))
                except Exception as exc:  # noqa: BLE001 - one broken page (a plugin's widget) must not hide the others
                    print(f"{label} ({login}): not measured, its SQL failed: {type(exc).__name__}: "
                          f"{str(exc).splitlines()[0]}")


if __name__ == "__main__":
    main()
