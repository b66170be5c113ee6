"""Reference data: small tables that many pages read and few people change (departments, a plugin's expense
categories), kept per process under the "reference" change counter (issue 18: a representative's claim list read
the departments and categories for its filters on every request).

A model marks itself with ``__reference_data__ = True``. Any flush that adds, changes or deletes such a row moves the
counter in the same transaction (an ORM listener, as for roles and grants: core/identity/grant_cache.py), and every
process reads the counter with the signed-in user, so a change is seen on every process's next request. In the
request that made the change, and wherever the counters were not read (CLI, jobs), ``cached_reference`` builds
afresh: never a stale answer. A write that bypasses the ORM (a bulk UPDATE of such a table) must call
``core.plugins.engine.bump_counter(session, REFERENCE_COUNTER)`` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from core.cache import REFERENCE_COUNTER, move_counter, shared

T = TypeVar("T")

#: Set on flask.g when this request changed reference data: its own later reads build afresh.
CHANGED_FLAG = "_netsales_reference_changed"


def cached_reference(name: str, build: Callable[[], T]) -> T:
    """``build()``, kept for this process while the "reference" counter keeps the value this request read.
    ``name`` is unique to what ``build`` reads (e.g. "expenses.categories"); the value is shared between requests
    and threads: read only, and plain values (rows, tuples), never ORM objects bound to one session."""
    if not has_app_context() or g.get(CHANGED_FLAG) or g.get("netsales_counters") is None:
        return build()
    return shared(name, REFERENCE_COUNTER, build)


def _is_reference(obj: Any) -> bool:
    return bool(getattr(type(obj), "__reference_data__", False))


@event.listens_for(Session, "after_flush")
def _move_on_reference_change(session: Session, _context: Any) -> None:
    """Move the "reference" counter in the transaction that added, changed or deleted reference data."""
    changed = any(_is_reference(obj) for obj in (*session.new, *session.deleted)) or any(
        _is_reference(obj) and session.is_modified(obj) for obj in session.dirty)
    if not changed:
        return
    move_counter(session.connection(), REFERENCE_COUNTER)
    if has_app_context():
        g.setdefault(CHANGED_FLAG, True)
