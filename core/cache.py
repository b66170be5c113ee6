"""Process-wide caches that stay right with several processes on one database.

A value is cached under the value of a change counter (core_change_counter) that every writer of its source bumps
in the same transaction. Each request reads all counters in one statement (PluginEngine.refresh, before the view),
so a change made by any process is seen on the next request. When this request did not read the counters (outside
a request, or PLUGIN_REFRESH_SECONDS skipped the read), the value is built afresh: never a stale answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g, has_app_context

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
