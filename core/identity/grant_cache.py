"""Each role's grants, kept per process under the "roles" change counter (issue 18: the shell cost).

Every signed-in request asks what the user may do. Loading the grants with the user hydrated one ORM object per
grant row on every request (~27 for a representative); roles change rarely. So the grants of every role are read
once into a plain dict and kept for the process while the "roles" counter keeps the value this request read
(core/cache.py). Any flush that adds, changes or deletes a Role or Grant moves the counter in the same transaction
(an ORM listener, so no writer can forget it: the roles page, the API, permission syncs, tests), and every process
sees the change on its next request. In the request that made the change, and wherever the counters were not read
(CLI, jobs), the grants come from the ORM as before: never a stale answer.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from core.cache import ROLES_COUNTER, move_counter, shared
from core.identity.models import Grant, Role

#: Set on flask.g when this request changed roles or grants: its own later checks read the ORM.
CHANGED_FLAG = "_netsales_roles_changed"


def role_grants(role_ids: list[int]) -> dict[int, dict[str, str]] | None:
    """{role id: {permission code: scope}} for ``role_ids`` from the process's copy, or None when the copy cannot be
    trusted in this request (the counters were not read, or this request changed roles): the caller then reads
    the ORM objects. The dicts are shared: read only."""
    if not has_app_context() or g.get(CHANGED_FLAG) or g.get("netsales_counters") is None:
        return None
    everything = shared("identity.role_grants", ROLES_COUNTER, _read_all)
    return {role_id: everything.get(role_id, _NONE) for role_id in role_ids}


_NONE: dict[str, str] = {}


def _read_all() -> dict[int, dict[str, str]]:
    from core.extensions import db

    grants: dict[int, dict[str, str]] = {}
    for role_id, code, scope in db.session.execute(select(Grant.role_id, Grant.permission_code, Grant.scope)):
        grants.setdefault(role_id, {})[code] = scope
    return grants


@event.listens_for(Session, "after_flush")
def _bump_on_role_change(session: Session, _context: Any) -> None:
    """Move the "roles" counter in the transaction that changed a role or a grant (new, changed or deleted)."""
    changed = any(isinstance(obj, Role | Grant) for obj in (*session.new, *session.deleted)) or any(
        isinstance(obj, Role | Grant) and session.is_modified(obj) for obj in session.dirty)
    if not changed:
        return
    move_counter(session.connection(), ROLES_COUNTER)
    if has_app_context():
        g.setdefault(CHANGED_FLAG, True)
        g.pop("_netsales_grants", None)  # this request's computed scopes predate the change
