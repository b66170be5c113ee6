"""Two administrators deactivating each other at the same moment must not leave the company with none (issue 11 F1:
the last active administrator is kept). PostgreSQL only: there the check locks the administrators' rows; SQLite lets
one writer in at a time anyway."""

from __future__ import annotations

import contextlib
import threading

import pytest
from sqlalchemy import func, select

from core.identity.models import Role, User


def test_two_administrators_deactivating_each_other_leave_one(app, db, make_user, make_app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers")
    first = make_user("admin_a", roles=["admin"])
    second = make_user("admin_b", roles=["admin"])
    active_admins = select(func.count()).select_from(User).where(User.active, User.roles.any(Role.code == "admin"))
    assert db.session.scalar(active_admins) == 2
    both_checked = threading.Barrier(2, timeout=3)
    outcomes: dict[str, str] = {}

    apps = {"a": make_app(), "b": make_app()}  # two connection pools, as two processes have

    def deactivate(target_id: int, name: str) -> None:
        from core.extensions import db as database
        from core.identity.users import UserError, deactivate_user

        with apps[name].app_context():
            target = database.session.get(User, target_id)
            try:
                deactivate_user(database.session, target)
            except UserError:
                database.session.rollback()
                outcomes[name] = "refused"
                return
            # Hold the transaction open until the other has checked too (it cannot while the rows are locked:
            # the wait then times out, and this one commits first).
            with contextlib.suppress(threading.BrokenBarrierError):
                both_checked.wait()
            database.session.commit()
            outcomes[name] = "done"

    threads = [threading.Thread(target=deactivate, args=(second.id, "a")),
               threading.Thread(target=deactivate, args=(first.id, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes.values()) == ["done", "refused"]
    db.session.expire_all()
    assert db.session.scalar(active_admins) == 1
