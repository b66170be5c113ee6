"""The plugin's rules, without request objects: what views, tests and other plugins call."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from netsales_hello.models import Greeting

MAX_LENGTH = 280


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


def search_greetings(session: Any, query: str, limit: int) -> list[Greeting]:
    pattern = f"%{query}%"
    return list(session.scalars(select(Greeting).where(Greeting.text.ilike(pattern)).limit(limit)))
