"""The login-security service's hooks: the account menu entries, and the pruning of old sign-in attempts and idle
sessions."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.contracts import MenuItem, ScheduledJob
from core.hookspecs import hookimpl


def prune_login_attempts() -> None:
    from core.auth.throttle import prune
    from core.extensions import db

    prune(db.session)
    db.session.commit()


def prune_idle_sessions() -> None:
    from core.auth.sessions import prune_idle_sessions as prune
    from core.extensions import db

    prune(db.session)
    db.session.commit()


@hookimpl
def menu_items(user: Any) -> list[MenuItem]:
    return [MenuItem("core.account.sessions", _l("Active sessions"), "core_auth.sessions",
                     icon="monitor-smartphone", order=985, parent="account"),
            MenuItem("core.account.password", _l("Change password"), "core_auth.change_password",
                     icon="key", order=990, parent="account")]


@hookimpl
def register_scheduled_jobs() -> list[ScheduledJob]:
    # Failed attempts are also pruned as they are recorded; this covers quiet periods.
    return [ScheduledJob("core.auth.prune_login_attempts", prune_login_attempts, 3600,
                         _l("Delete sign-in attempts too old to matter")),
            ScheduledJob("core.auth.prune_idle_sessions", prune_idle_sessions, 3600,
                         _l("Delete sessions that ended by being idle too long"))]
