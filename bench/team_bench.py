"""Benchmark of the team plugin's notice board (issue 17 "Performance"): prints ratios, not seconds.

500 people in 5 departments and 10 teams; notices published at a steady rate (one every 4 hours) to everyone, a
department or a team, each told to its audience through the core notifications (the unread badge every page
shows) and read by most of it within a few days. Measures at 1,000 notices, then again after 9,000 older ones are
added (10,000: the same company, two more years of history):

- the board (/team/notices) as a representative: its statement count and large/small time ratio (target ≤ 1.5);
- the unread badge (core.notifications.service.unread_count: one indexed count) large/small;
- the dashboard ("/"), which shows the badge and the team widgets.

    .venv/bin/python -m bench.team_bench
    .venv/bin/python -m bench.team_bench --people 200 --small 500 --large 5000      # a quicker run
    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.team_bench
"""

from __future__ import annotations

import argparse
import random
from datetime import timedelta

from flask import Flask
from sqlalchemy import insert, select

from bench import harness
from bench.harness import bench_app, time_call, time_page

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
                                      else None})
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


def measure(app: Flask, login: str) -> dict[str, object]:
    from core.extensions import db
    from core.identity.models import User
    from core.notifications.service import unread_count

    board = time_page(app, "/team/notices", login, repeat=21)
    dashboard = time_page(app, "/", login, repeat=21)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.login == login))
        badge = time_call(lambda: unread_count(user), repeat=21)
        badge_value = unread_count(user)
    return {"board": board, "dashboard": dashboard, "badge": badge, "badge_value": badge_value}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(17)
    with bench_app("team") as app:
        members = build_people(app, args.people)
        print(f"{args.people} people; notices every {HOURS_BETWEEN_NOTICES} h")
        add_notices(app, members, args.small, 1, rng)
        small = measure(app, "rep1")
        add_notices(app, members, args.large - args.small, 1 + args.small * HOURS_BETWEEN_NOTICES, rng)
        large = measure(app, "rep1")
        print()
        for name in ("board", "dashboard"):
            s, big = small[name], large[name]
            print(f"{name:<10} statements {s.statements} -> {big.statements}   "  # type: ignore[attr-defined]
                  f"{args.large:,}/{args.small:,} notices time ratio = "
                  f"{big.page_seconds / s.page_seconds:4.2f}   (target <= 1.5)   "  # type: ignore[attr-defined]
                  f"SQL time ratio = {big.sql_seconds / s.sql_seconds:4.2f}   "  # type: ignore[attr-defined]
                  f"page {s.page_seconds * 1000:.1f} -> {big.page_seconds * 1000:.1f} ms   "  # type: ignore[attr-defined]
                  f"HTTP {big.status}")  # type: ignore[attr-defined]
        print(f"{'badge':<10} one indexed count; {args.large:,}/{args.small:,} notices time ratio = "
              f"{large['badge'] / small['badge']:4.2f}   (target <= 1.5)   "  # type: ignore[operator]
              f"unread: {small['badge_value']} -> {large['badge_value']}")


if __name__ == "__main__":
    main()
