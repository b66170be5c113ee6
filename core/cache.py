"""Process-wide caches that stay right with several processes on one database.

A value is cached under the value of a change counter (core_change_counter) that every writer of its source bumps
in the same transaction. Each request reads all counters in one statement (PluginEngine.refresh, before the view),
so a change made by any process is seen on the next request. When this request did not read the counters (outside
a request, or PLUGIN_REFRESH_SECONDS skipped the read), the value is built afresh: never a stale answer.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g, has_app_context
from sqlalchemy import Connection

T = TypeVar("T")

#: Counters bumped by writers (core.plugins.engine.bump_counter); "plugins" is the engine's own.
SETTINGS_COUNTER = "settings"
PLUGINS_COUNTER = "plugins"
#: Moved by any flush that changes a role or a grant (core/identity/grant_cache.py).
ROLES_COUNTER = "roles"


def shared(name: str, counter: str, build: Callable[[], T]) -> T:
    """``build()``, kept for this process while change counter ``counter`` keeps the value this request read.

    The cached value is shared between requests and threads: treat it as read-only (copy before changing)."""
    counters = g.get("netsales_counters") if has_app_context() else None
    if counters is None:
        return build()
    engine = current_app.extensions["netsales"]
    return engine.memo(name, (counter, counters.get(counter)), build)


#: Moved by any flush that changes a model marked ``__reference_data__`` (core/reference_data.py).
REFERENCE_COUNTER = "reference"
#: Counter values stay below this (they fit a 32-bit INTEGER column).
COUNTER_MODULUS = 2**31 - 1


def move_counter(connection: Connection, name: str) -> None:
    """Move change counter ``name`` to a new value on ``connection``, in its transaction (for a flush listener,
    which may not flush again; core.plugins.engine.bump_counter does the same through a session). By a random
    step: readers only compare values, and a value used once does not come back after a database is restored to
    an earlier state (its counters with it), so a process's cache keyed on a counter cannot mistake new data for
    what it cached."""
    from sqlalchemy import BigInteger, cast, insert, update

    from core.plugins.models import ChangeCounter

    step = secrets.randbelow(COUNTER_MODULUS - 1) + 1  # never 0 mod the modulus: the value always changes
    moved = connection.execute(update(ChangeCounter).where(ChangeCounter.name == name)
                               .values(value=(cast(ChangeCounter.value, BigInteger) + step) % COUNTER_MODULUS))
    if not moved.rowcount:
        connection.execute(insert(ChangeCounter).values(name=name, value=step))
