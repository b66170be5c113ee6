"""Sign-in throttling by account and by client address (issue 3 §4), stored in core_login_attempt.

The database is the only shared state, so the limits hold however many app processes or hosts serve the company.
A key (a login, or an address) is locked when its last N failures all fall within the window; the lock lasts
LOGIN_LOCKOUT_MINUTES after the newest of them. Unknown logins are counted exactly like real ones, so the answers
never reveal whether an account exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, request
from sqlalchemy import delete, select

from core.auth.models import LoginAttempt
from core.timeutil import utcnow

DEFAULTS = {
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "LOGIN_FAILURE_WINDOW_MINUTES": 15,
    "LOGIN_LOCKOUT_MINUTES": 15,
    "TRUSTED_PROXY_COUNT": 0,
}
KEY_LENGTH = 64


@dataclass(frozen=True)
class Lockout:
    """Attempts are refused for this many more minutes (rounded up, at least 1)."""

    minutes: int


def setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def normalise_login(login: str) -> str:
    """The throttling key of a login: case and surrounding spaces do not give an attacker fresh attempts."""
    return (login or "").strip().lower()[:KEY_LENGTH]


def client_address() -> str:
    """The client's address. Behind TRUSTED_PROXY_COUNT reverse proxies, the address the nearest trusted one saw
    (X-Forwarded-For read from the right: entries further left can be forged by the client)."""
    proxies = setting("TRUSTED_PROXY_COUNT")
    if proxies > 0:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:KEY_LENGTH]
    return (request.remote_addr or "unknown")[:KEY_LENGTH]


def _locked_until(session: Any, column: Any, value: str, limit: int) -> datetime | None:
    if limit <= 0:  # throttling of this kind switched off
        return None
    window = timedelta(minutes=setting("LOGIN_FAILURE_WINDOW_MINUTES"))
    recent = session.scalars(
        select(LoginAttempt.at).where(column == value).order_by(LoginAttempt.at.desc()).limit(limit)
    ).all()
    if len(recent) < limit or recent[0] - recent[-1] > window:
        return None
    return recent[0] + timedelta(minutes=setting("LOGIN_LOCKOUT_MINUTES"))


def lockout_for(session: Any, login: str, address: str, now: datetime | None = None) -> Lockout | None:
    """The lock on this login or this address, if either is locked now."""
    now = now or utcnow()
    ends = [
        until
        for until in (
            _locked_until(session, LoginAttempt.login, normalise_login(login),
                          setting("LOGIN_MAX_FAILURES_PER_ACCOUNT")),
            _locked_until(session, LoginAttempt.address, address[:KEY_LENGTH],
                          setting("LOGIN_MAX_FAILURES_PER_ADDRESS")),
        )
        if until is not None and until > now
    ]
    if not ends:
        return None
    return Lockout(max(1, math.ceil((max(ends) - now).total_seconds() / 60)))


def record_failure(session: Any, login: str, address: str, now: datetime | None = None) -> None:
    """Count a failed attempt, and drop the rows too old to matter any more."""
    now = now or utcnow()
    session.add(LoginAttempt(login=normalise_login(login), address=address[:KEY_LENGTH], at=now))
    prune(session, now)
    session.flush()


def clear_failures(session: Any, login: str) -> None:
    """A successful sign-in clears the account's counter (the address keeps its own)."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.login == normalise_login(login)))


def prune(session: Any, now: datetime | None = None) -> int:
    """Delete attempts older than window + lockout: they can no longer lock anything. Returns how many."""
    now = now or utcnow()
    horizon = timedelta(minutes=setting("LOGIN_FAILURE_WINDOW_MINUTES") + setting("LOGIN_LOCKOUT_MINUTES"))
    result = session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - horizon))
    return int(result.rowcount or 0)
