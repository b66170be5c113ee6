"""Who a change is recorded against: the signed-in user, else the actor named by ``audit_actor`` (CLI, jobs)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context

SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    name: str
    user_id: int | None = None


_explicit: ContextVar[Actor | None] = ContextVar("netsales_audit_actor", default=None)


@contextmanager
def audit_actor(name: str, user: Any = None) -> Iterator[Actor]:
    """Record changes made inside the block as done by ``name`` (``"cli"``, ``"job:crm.reminders"``), or by
    ``user`` when a command acts for a person (then ``name`` is kept only if the user has no login).

    ``with audit_actor("cli:users import"): ...``. Nesting works; the innermost wins, even inside a request.
    """
    actor = Actor(getattr(user, "login", None) or name, getattr(user, "id", None))
    token = _explicit.set(actor)
    try:
        yield actor
    finally:
        _explicit.reset(token)


def current_actor() -> Actor:
    """The innermost ``audit_actor``, else the request's signed-in user, else "system"."""
    explicit = _explicit.get()
    if explicit is not None:
        return explicit
    if has_request_context():
        user = g.get("_login_user")
        if user is None:
            from flask_login import current_user

            user = current_user._get_current_object()
        if user is not None and getattr(user, "is_authenticated", False):
            return Actor(user.login, user.id)
    return Actor(SYSTEM)
