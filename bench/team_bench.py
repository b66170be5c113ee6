"""Benchmark of the team plugin's notice board (issue 17 "Performance"): prints ratios, not seconds.

500 people in 5 departments and 10 teams; notices published at a steady rate (one every 4 hours) to everyone, a
department or a team, each told to its audience through the core notifications (the unread badge every page
shows) and read by most of it within a few days. Builds the company twice, with 1,000 notices and with 10,000 (the same company, four more years
of history), and measures both in alternation, several rounds, so that a busy machine slows both alike:

- the board (/team/notices) as a representative: its statement count and large/small time ratio (target ≤ 1.5);
- the unread badge (core.notifications.service.unread_count: one indexed count) large/small;
- the dashboard ("/"), which shows the badge and the team widgets.

Times are this process's CPU time per request (SQLite runs in-process), medians over the rounds: on a machine
shared with other work, wall time mostly measures the neighbours. The SQL ratio replays each request's statements
alone on a raw cursor (bench.harness.sql_seconds), which on PostgreSQL is the server's side.

    .venv/bin/python -m bench.team_bench
    .venv/bin/python -m bench.team_bench --people 200 --small 500 --large 5000      # a quicker run
    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.team_bench
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import timedelta

from flask import Flask
from sqlalchemy import insert, select

from bench import harness
from bench.harness import bench_app

CHUNK = 10_000
DEPARTMENTS = 5
TEAMS = 10
HOURS_BETWEEN_NOTICES = 4
#: Notices newer than this are still unread by a share of their audience.
UNREAD_DAYS = 3


def build_people(app: Flask, people: int) -> dict[str, list[int]]:
    from core.extensions import db
    from core.identity.models import Department
    from core.identity.users import create_user

    with app.app_context():
        manager = create_user(db.session, login="manager", name="经理", roles=["sales_manager"])
        departments = []
        for d in range(DEPARTMENTS):
            department = Department(name=f"部门{d}")
            db.session.add(department)
            departments.append(department)
        db.session.flush()
        supervisors = [create_user(db.session, login=f"sup{t}", name=f"主管{t}", roles=["sales_supervisor"],
                                   superior_id=manager.id, department_id=departments[t % DEPARTMENTS].id)
                       for t in range(TEAMS)]
        members: dict[str, list[int]] = {"all": [manager.id] + [s.id for s in supervisors]}
        for d in departments:
            members[f"d{d.id}"] = []
        for s in supervisors:
            members[f"t{s.id}"] = [s.id]
            members[f"d{s.department_id}"].append(s.id)
        rows = []
        for i in range(people - 1 - TEAMS):
            supervisor = supervisors[i % TEAMS]
            rows.append(create_user(db.session, login=f"rep{i}", name=f"代表{i}", roles=["sales_rep"],
                                    superior_id=supervisor.id, department_id=supervisor.department_id,
                                    check_password=False))
        for rep in rows:
            members["all"].append(rep.id)
            members[f"t{rep.superior_id}"].append(rep.id)
            members[f"d{rep.department_id}"].append(rep.id)
        db.session.commit()
        return members


def add_notices(app: Flask, members: dict[str, list[int]], count: int, first_age_hours: int, rng: random.Random) -> None:
    """``count`` notices, the newest ``first_age_hours`` old, one every HOURS_BETWEEN_NOTICES hours further back;
    their notifications, and read receipts for those read."""
    from core.extensions import db
    from core.notifications.models import Notification
    from core.timeutil import utcnow
    from plugins.team.models import Notice, NoticeRead

    now = utcnow()
    keys = list(members)
    departments = [k for k in keys if k.startswith("d")]
    teams = [k for k in keys if k.startswith("t")]
    with app.app_context():
        author = members["all"][0]
        notices, notifications, reads = [], [], []
        next_id = (db.session.scalar(select(Notice.id).order_by(Notice.id.desc()).limit(1)) or 0) + 1
        for i in range(count):
            published = now - timedelta(hours=first_age_hours + i * HOURS_BETWEEN_NOTICES)
            roll = rng.random()
            key = "all" if roll < 0.2 else rng.choice(departments) if roll < 0.7 else rng.choice(teams)
            audience = "all" if key == "all" else "department" if key.startswith("d") else "team"
            notice_id = next_id + i
            notices.append({"id": notice_id, "title": f"公告 {notice_id}", "body": "正文", "audience": audience,
                            "department_id": int(key[1:]) if audience == "department" else None,
                            "team_leader_id": int(key[1:]) if audience == "team" else None, "author_id": author,
                            "pinned": i % 500 == 0, "required": i % 10 == 0, "published_at": published,
                            "expires_at": published + timedelta(days=30) if i % 3 == 0 else None,
                            "expiry_done": False})
            old = now - published > timedelta(days=UNREAD_DAYS)
            for uid in members[key]:
                if uid == author:
                    continue
                read = old or rng.random() < 0.5
                notifications.append({"recipient_id": uid, "message": "New notice: %(title)s",
                                      "params": {"title": f"公告 {notice_id}"}, "url": f"/team/notices/{notice_id}",
                                      "created_at": published, "read_at": published + timedelta(hours=5) if read
                                      else None, "subject": f"team.notice:{notice_id}"})
                if read:
                    reads.append({"notice_id": notice_id, "user_id": uid, "read_at": published + timedelta(hours=5)})
        for table, rows in ((Notice, notices), (Notification, notifications), (NoticeRead, reads)):
            for start in range(0, len(rows), CHUNK):
                db.session.execute(insert(table), rows[start:start + CHUNK])
        db.session.commit()
        print(f"  + {count:,} notices, {len(notifications):,} notifications, {len(reads):,} read receipts")


def _sign_in(app: Flask, client, user_login: str) -> None:  # type: ignore[no-untyped-def]
    """A signed-in browser's session since server-side sessions (core.auth.sessions): a session row and its
    identity in the cookie, as the test kit's login_as does (the harness's login_user alone is now turned away)."""
    from core.extensions import db
    from core.identity.models import User

    try:
        from core.auth.sessions import new_session_identity
    except ImportError:  # an older core: the harness's own sign-in
        return _harness_sign_in(app, client, user_login)
    with app.app_context():
        user = db.session.query(User).filter_by(login=user_login).one()
        identity = new_session_identity(user)
    with client.session_transaction() as stored:
        stored["_user_id"] = identity
        stored["_fresh"] = True
    return None


_harness_sign_in = harness.sign_in
harness.sign_in = _sign_in


class Page:
    """One page of one app, signed in: each call is one request, timed in this process's CPU time (SQLite runs
    in-process; a busy machine's waiting for a CPU is left out), with its statements recorded."""

    def __init__(self, app: Flask, url: str, login: str) -> None:
        from core.extensions import db

        self.app, self.url = app, url
        with app.app_context():
            self.engine = db.engine
        self.client = app.test_client()
        _sign_in(app, self.client, login)
        self.client.get(url)  # warm caches and compiled queries, as a running server has
        self.cpu: list[float] = []
        self.sql: list[float] = []
        self.statements = 0
        self.status = 0

    def __call__(self) -> None:
        with harness.SQLRecorder(self.engine) as recorder:
            started = time.process_time()
            response = self.client.get(self.url)
            self.cpu.append(time.process_time() - started)
        self.sql.append(harness.sql_seconds(self.engine, recorder.statements))
        self.statements, self.status = len(recorder.statements), response.status_code
        self.recorded = recorder.statements
        if response.status_code >= 400:
            raise RuntimeError(f"{self.url} answered HTTP {response.status_code}: nothing to measure")

    def slowest(self, repeat: int = 9) -> list[tuple[float, str]]:
        """Each statement of the last request timed alone (median ms), slowest first."""
        timed = []
        for statement, parameters in self.recorded:
            samples = [harness.sql_seconds(self.engine, [(statement, parameters)]) for _ in range(repeat)]
            timed.append((statistics.median(samples) * 1000, " ".join(statement.split())[:90]))
        return sorted(timed, reverse=True)


def badge_timer(app: Flask, login: str) -> tuple[list[float], object]:
    from core.extensions import db
    from core.identity.models import User
    from core.notifications.service import unread_count

    samples: list[float] = []

    def run() -> int:
        with app.app_context():
            user = db.session.scalar(select(User).where(User.login == login))
            started = time.process_time()
            value = unread_count(user)
            samples.append(time.process_time() - started)
            return value

    return samples, run


def build(app: Flask, people: int, notices: int) -> None:
    members = build_people(app, people)
    add_notices(app, members, notices, 1, random.Random(17))
    settle(app)


def settle(app: Flask) -> None:
    """PostgreSQL: what autovacuum does to a table after a bulk load — statistics for the planner and the
    visibility map for index-only counts. Measured straight after the load, it timed plans made without
    statistics (the board's query 32 ms, the badge's count 7 ms at 10,000 notices; 3 ms and 1 ms once analysed)."""
    from sqlalchemy import text

    from core.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in ("team_notice", "team_notice_read", "core_notification", "core_user"):
                connection.execute(text(f"VACUUM ANALYZE {table}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    print(f"{args.people} people; notices every {HOURS_BETWEEN_NOTICES} h")
    # Two databases, measured in alternation: a busy machine slows both alike, so the ratios stay meaningful.
    with bench_app("team") as small_app, bench_app("team") as large_app:
        build(small_app, args.people, args.small)
        build(large_app, args.people, args.large)
        pages = {name: (Page(small_app, url, "rep1"), Page(large_app, url, "rep1"))
                 for name, url in (("board", "/team/notices"), ("dashboard", "/"))}
        badges = (badge_timer(small_app, "rep1"), badge_timer(large_app, "rep1"))
        for _ in range(args.rounds):
            for small, large in pages.values():
                small()
                large()
            for _samples, run in badges:
                run()
        counts = [run() for _samples, run in badges]
        board_statements = [page.slowest() for page in pages["board"]]
    print()
    for name, (small, large) in pages.items():
        cpu = statistics.median(small.cpu), statistics.median(large.cpu)
        sql = statistics.median(small.sql), statistics.median(large.sql)
        print(f"{name:<10} statements {small.statements} -> {large.statements}   {args.large:,}/{args.small:,} "
              f"notices: CPU time ratio = {cpu[1] / cpu[0]:4.2f} (target <= 1.5), SQL ratio = {sql[1] / sql[0]:4.2f}"
              f"   (CPU {cpu[0] * 1000:.1f} -> {cpu[1] * 1000:.1f} ms, SQL {sql[0] * 1000:.2f} -> {sql[1] * 1000:.2f} ms,"
              f" HTTP {large.status})")
    badge = statistics.median(badges[0][0]), statistics.median(badges[1][0])
    print(f"{'badge':<10} one indexed count: {args.large:,}/{args.small:,} notices CPU time ratio = "
          f"{badge[1] / badge[0]:4.2f} (target <= 1.5)   unread: {counts[0]} / {counts[1]}")
    print("\nthe board's statements alone, ms at the two sizes (slowest at the large size first):")
    small_times = {text: ms for ms, text in board_statements[0]}
    for ms, text in board_statements[1]:
        print(f"  {small_times.get(text, float('nan')):6.2f} -> {ms:6.2f}   {text}")


if __name__ == "__main__":
    main()
