"""Is a pooled PostgreSQL connection still alive? Asked of the socket, not of the server.

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` on every checkout: one round trip per request, a quarter of a
signed-in page's database wait on PostgreSQL (bench/README.md, issue 18 part 3). An idle pooled connection has
nothing to read, so when the server ends it (a restart, ``pg_terminate_backend``, an idle timeout, a crash) its
goodbye or the socket's end-of-file is already waiting on the socket: a poll with no timeout sees it. Such a
connection is refused at checkout and the pool opens a new one, as with the pre-ping, so the user never sees the
restart. A network that drops packets without closing the socket is not seen by either check before the statement.
"""

from __future__ import annotations

import select
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

#: Anything readable, or the socket closed or broken: none of these happen on a healthy idle connection.
_NOT_QUIET = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP | select.POLLNVAL


def install_socket_ping(engine: Engine) -> None:
    """Check each connection ``engine``'s pool hands out with :func:`socket_is_quiet` (PostgreSQL only)."""
    event.listen(engine, "checkout", _refuse_if_ended)


def socket_is_quiet(dbapi_connection: Any) -> bool:
    """True when a psycopg connection is open and nothing is waiting to be read on its socket."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return False
    poller = select.poll()
    try:
        poller.register(dbapi_connection.fileno(), _NOT_QUIET)
    except (OSError, ValueError):  # psycopg: no socket any more
        return False
    return not poller.poll(0)


def _refuse_if_ended(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    if not socket_is_quiet(dbapi_connection):
        # The pool drops this connection and connects afresh (up to three times), as after a failed pre-ping.
        raise exc.DisconnectionError("the server ended this pooled connection")
