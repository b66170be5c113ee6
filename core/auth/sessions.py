"""Server-side sessions (issue 11 F2): every sign-in is a row of core_user_session, and the cookies are honoured only
while that row exists.

The session cookie and the remember-me cookie both carry the identity ``<user id>:<user token>:<secret>``
(Flask-Login signs them with the secret key). The row is found by the secret's SHA-256 in the same statement that
loads the signed-in user, so the check costs no query of its own. Deleting rows ends every copy of the cookies at
once: signing out (this session), ending one session from the account page, "sign out everywhere", a password
change (the user's or an administrator's reset) and deactivation. The user's token (core_user.session_token) is part
of the identity too, so that rotating it ends everything even where a row was missed.

``last_seen_at`` is written at most every LAST_SEEN_RESOLUTION, in a short transaction of its own, so that most
requests write nothing. Sessions idle for longer than their limit end; a job deletes their rows.

API tokens (core/api/tokens.py) are separate credentials: none of this revokes them (docs/operations.md).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, g, has_request_context, request, session
from flask_login import login_user
from sqlalchemy import and_, bindparam, delete, select, update
from sqlalchemy.orm import object_session

from core.auth.models import UserSession
from core.auth.throttle import client_address
from core.extensions import db
from core.identity.models import User
from core.identity.session import ROLE_COLUMNS, USER_FIELDS, SignedInUser, orm_user, signed_in_user_from_rows
from core.timeutil import utcnow

log = logging.getLogger(__name__)

DEFAULTS = {
    # A browser session (not "keep me signed in") ends after this long without a request.
    "SESSION_IDLE_HOURS": 12,
    # A remembered session ends after REMEMBER_COOKIE_DURATION seconds without a request.
    "REMEMBER_COOKIE_DURATION": 2592000,
    # The oldest sessions beyond this many per user are ended at the next sign-in (keeps the list short).
    "MAX_SESSIONS_PER_USER": 30,
}
#: last_seen_at is written at most this often per session.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)
USER_AGENT_LENGTH = 255


def setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_user_token() -> str:
    return secrets.token_hex(16)


def idle_limit(remember: bool) -> timedelta:
    """How long a session may go without a request before it ends."""
    if remember:
        return timedelta(seconds=setting("REMEMBER_COOKIE_DURATION"))
    return timedelta(hours=setting("SESSION_IDLE_HOURS"))


# ---------------------------------------------------------------------------------------------------- opening


def open_session(db_session: Any, user: User, *, remember: bool = False, user_agent: str = "",
                 address: str = "") -> str:
    """Record a new sign-in of ``user`` and return the identity its cookies carry. Flushes; the caller commits."""
    secret = secrets.token_urlsafe(32)
    row = UserSession(user_id=user.id, key_hash=hash_secret(secret), remember=remember,
                      user_agent=(user_agent or "")[:USER_AGENT_LENGTH], address=(address or "")[:64])
    db_session.add(row)
    db_session.flush()
    _end_oldest_beyond_limit(db_session, user.id)
    return f"{user.id}:{user.session_token}:{secret}"


def _end_oldest_beyond_limit(db_session: Any, user_id: int) -> None:
    keep = select(UserSession.id).where(UserSession.user_id == user_id) \
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc()).limit(setting("MAX_SESSIONS_PER_USER"))
    db_session.execute(delete(UserSession).where(UserSession.user_id == user_id, UserSession.id.not_in(keep))
                       .execution_options(synchronize_session=False))


def new_session_identity(user: User, *, remember: bool = False) -> str:
    """Open a session for ``user`` and commit it; the identity to put in a cookie (the test fixtures' sign-in)."""
    identity = open_session(db.session, user, remember=remember, user_agent="", address="")
    db.session.commit()
    return identity


def sign_in(user: User, *, remember: bool = False) -> None:
    """Sign ``user`` in on this browser under a new server-side session, and commit.

    Flask-Login keeps ``session["_user_id"]`` and writes it into the remember-me cookie too: it becomes our
    identity instead of ``User.get_id()``, which carries no session."""
    identity = open_session(db.session, user, remember=remember,
                            user_agent=request.headers.get("User-Agent", ""), address=client_address())
    db.session.commit()
    login_user(user, remember=remember)
    session["_user_id"] = identity


# ---------------------------------------------------------------------------------------------------- checking


#: Per-user figures every page shows, read in the statement that loads the signed-in user instead of a query of
#: their own (issue 18): {name: a function of the user-id column returning a scalar subquery}. Services register
#: theirs (the notifications badge: core/notifications/views.py); load_user leaves the values in
#: ``g.netsales_signed_in``, read with signed_in_figure().
_FIGURES: dict[str, Callable[[Any], Any]] = {}


def add_signed_in_figure(name: str, column: Callable[[Any], Any]) -> None:
    """Read ``column(User.id)`` (a scalar subquery) with the signed-in user on every request; see signed_in_figure."""
    _FIGURES[name] = column
    _statement.clear()  # built again with it


def signed_in_figure(name: str, user_id: int) -> Any:
    """The figure ``name`` read with signed-in user ``user_id`` in this request, or None if it was not (an API
    token, no request, or this request changed what it counts: the caller then queries)."""
    known = g.get("netsales_signed_in") if has_request_context() else None
    if known is None or known[0] != user_id:
        return None
    return known[1].get(name)


def forget_signed_in_figure(name: str) -> None:
    """This request changed what ``name`` counts (e.g. marked notifications read): later reads query afresh."""
    known = g.get("netsales_signed_in") if has_request_context() else None
    if known is not None:
        known[1].pop(name, None)


def _signed_in_statement() -> Any:
    # The statement that loads the signed-in user with their roles (core/identity/session.py), joined to their
    # session row (one indexed look-up more in the same statement, no query of its own), with the registered
    # figures.
    from core.identity.session import SIGNED_IN_USER

    names = list(_FIGURES)
    statement = SIGNED_IN_USER.join(
        UserSession, and_(UserSession.user_id == User.id, UserSession.key_hash == bindparam("key_hash"))
    ).add_columns(UserSession.id, UserSession.last_seen_at, UserSession.remember,
                  *(_FIGURES[name](User.id).label(f"figure_{index}") for index, name in enumerate(names)))
    return statement, names


_statement: list[Any] = []


def load_user(identity: str) -> SignedInUser | None:
    """Flask-Login's user loader, for the session cookie and the remember-me cookie alike. None ends the
    session: an unknown or ended session, a deactivated user, or a user whose token changed."""
    user_id, _sep, rest = identity.partition(":")
    token, _sep, secret = rest.partition(":")
    if not user_id.isdigit() or not token or not secret or len(user_id) > 18:
        return None  # also the "<id>:<token>" of versions before server-side sessions: sign in again
    if not _statement:
        _statement.append(_signed_in_statement())
    statement, names = _statement[0]
    rows = _read_once(statement, {"user_id": int(user_id), "key_hash": hash_secret(secret)})
    if not rows:
        return None
    # A plain object, not an ORM User (core/identity/session.py): the ORM one is loaded only if a view needs it.
    user = signed_in_user_from_rows(rows)
    session_id, last_seen_at, remember, *figures = rows[0][len(USER_FIELDS) + ROLE_COLUMNS:]
    if not user.active or user.session_token != token:
        return None
    now = utcnow()
    if now - last_seen_at > idle_limit(remember):
        return None
    g.netsales_session_id = session_id
    g.netsales_signed_in = (user.id, dict(zip(names, figures, strict=True)))
    if now - last_seen_at >= LAST_SEEN_RESOLUTION:
        g.netsales_session_touch = (session_id, now, client_address() if has_request_context() else "")
    return user


def _read_once(statement: Any, parameters: dict[str, Any]) -> list[Any]:
    """Run the signed-in statement, not through the ORM's execute: no entity to load, so none of its
    per-statement machinery.

    When the request has no transaction yet (the usual case: the user is read first), the statement runs on a
    connection of its own, returned to the pool at once, and on PostgreSQL outside any transaction: no BEGIN and no
    ROLLBACK, two of the shell page's three round trips (issue 18 part 3). Read committed, which a transaction would
    give this one statement, is what it sees either way. Inside a transaction (a test's, or a view that wrote before first
    asking for the user) it runs in that transaction, so it sees what the transaction wrote."""
    # No Session is made for it when the request has none yet: a shell page then never builds or closes one.
    session = db.session.registry() if db.session.registry.has() else None
    if session is not None and session.in_transaction():
        return session.connection().execute(statement, parameters).all()
    connection = db.engine.connect()
    if connection.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
    with connection:  # SQLite: Python's sqlite3 begins no transaction for a read, so none to end either
        return connection.execute(statement, parameters).all()


def touch_after_request(_error: BaseException | None = None) -> None:
    """teardown_appcontext: note that the session is in use, once the request's own transaction is over (SQLite
    would make a second connection wait for its lock), in a transaction of its own. A failure only costs the note."""
    pending = g.pop("netsales_session_touch", None)
    if pending is None:
        return
    session_id, now, address = pending
    db.session.remove()  # what Flask-SQLAlchemy's own teardown, which runs after this one, does next anyway
    try:
        with db.engine.begin() as connection:
            connection.execute(update(UserSession).where(UserSession.id == session_id)
                               .values(last_seen_at=now, address=address))
    except Exception:  # a locked or lost database must not turn a served page into an error
        log.warning("could not note the use of session %s", session_id, exc_info=True)


def current_session_id() -> int | None:
    """The row of the session this request was signed in with (None for API tokens and anonymous requests)."""
    from flask_login import current_user

    if not current_user.is_authenticated:
        return None
    return g.get("netsales_session_id")


# ---------------------------------------------------------------------------------------------------- ending


def end_session(db_session: Any, user_id: int, session_id: int) -> bool:
    """End one session of ``user_id``; False if there is no such session (ended already, or another person's)."""
    result = db_session.execute(delete(UserSession).where(UserSession.id == session_id,
                                                          UserSession.user_id == user_id)
                                .execution_options(synchronize_session=False))
    return bool(result.rowcount)


def end_all_sessions(user: User, db_session: Any = None) -> int:
    """End every session of ``user``, this browser's too, with every copy of their cookies: for "sign out
    everywhere", a password change and deactivation. Returns how many rows went. The caller commits."""
    user = orm_user(user)  # the signed-in user is a plain object until asked for its ORM one
    db_session = db_session or object_session(user) or db.session
    user.session_token = new_user_token()
    result = db_session.execute(delete(UserSession).where(UserSession.user_id == user.id)
                                .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def prune_idle_sessions(db_session: Any, now: datetime | None = None) -> int:
    """Delete the rows of sessions idle beyond their limit (they no longer sign anyone in). Returns how many."""
    now = now or utcnow()
    result = db_session.execute(delete(UserSession).where(
        ((UserSession.remember.is_(True)) & (UserSession.last_seen_at < now - idle_limit(True)))
        | ((UserSession.remember.is_(False)) & (UserSession.last_seen_at < now - idle_limit(False)))
    ).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


# ---------------------------------------------------------------------------------------------------- listing


def active_sessions(db_session: Any, user_id: int, now: datetime | None = None) -> list[UserSession]:
    """The user's sessions that still sign them in, most recently used first (at most MAX_SESSIONS_PER_USER)."""
    now = now or utcnow()
    rows = db_session.scalars(select(UserSession).where(UserSession.user_id == user_id)
                              .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
                              .limit(setting("MAX_SESSIONS_PER_USER"))).all()
    return [row for row in rows if now - row.last_seen_at <= idle_limit(row.remember)]
