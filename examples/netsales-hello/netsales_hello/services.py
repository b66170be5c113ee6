"""The plugin's rules, without request objects: what views, tests and other plugins call."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.security import scoped
from netsales_hello.models import Greeting

MAX_LENGTH = 280
VIEW = "hello.greeting.view"


class GreetingError(ValueError):
    pass


def post_greeting(session: Any, author_id: int, text: str) -> Greeting:
    text = (text or "").strip()
    if not text:
        raise GreetingError("empty")
    if len(text) > MAX_LENGTH:
        raise GreetingError("too long")
    greeting = Greeting(text=text, author_id=author_id)
    session.add(greeting)
    session.flush()
    return greeting


def visible_greetings(session: Any, user: Any, limit: int = 50) -> list[Greeting]:
    """The newest greetings ``user`` may read: their own, their team's or all, as their roles say."""
    query = select(Greeting).order_by(Greeting.created_at.desc(), Greeting.id.desc()).limit(limit)
    return list(session.scalars(scoped(query, Greeting, VIEW, user)))


def search_greetings(session: Any, query: str, limit: int, user: Any = None) -> list[Greeting]:
    """Greetings containing ``query``; limited to what ``user`` may read when a user is given."""
    pattern = f"%{query}%"
    statement = select(Greeting).where(Greeting.text.ilike(pattern)).limit(limit)
    if user is not None:
        statement = scoped(statement, Greeting, VIEW, user)
    return list(session.scalars(statement))
