"""Benchmark of the signed-in shell every page pays (issues 5-7 "Performance"): login, grants, the menu built from
the plugins' hooks, settings, locale, the notification badge, the base layout. Prints ratios only (bench/README.md).

With CRM, pipeline and expenses enabled (a full menu), for an administrator and for a sales representative:

- page / SQL and the number of statements for the dashboard, the profile, the notifications page and the users
  list at ``--users`` users; near-empty pages show what the shell alone costs.

    .venv/bin/python -m bench.shell_bench [--users 2000]
    NETSALES_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python -m bench.shell_bench
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import insert, select

from bench.harness import bench_app, time_page

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=2000)
    args = parser.parse_args()
    with bench_app("crm", "pipeline", "expenses") as app:
        build(app, args.users)
        for label, url, logins in PAGES:
            for login in logins:
                try:
                    print(time_page(app, url, login).report(f"{label} ({login})"))
                except Exception as exc:  # noqa: BLE001 - one broken page (a plugin's widget) must not hide the others
                    print(f"{label} ({login}): not measured, its SQL failed: {type(exc).__name__}: "
                          f"{str(exc).splitlines()[0]}")


if __name__ == "__main__":
    main()
