"""@mentions in comments: ``@login`` names a colleague, who is notified."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from core.extensions import db
from core.identity.models import User

#: A login after "@" that does not follow a word character (so e-mail addresses are not mentions).
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_.\-]*[A-Za-z0-9_]|[A-Za-z0-9_])")


def mentioned_logins(body: str) -> list[str]:
    """The logins mentioned in ``body``, each once, in order of first mention."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(body):
        seen.setdefault(match.group(1), None)
    return list(seen)


def mentioned_users(body: str) -> list[Any]:
    """The active users mentioned in ``body`` (one query, however many mentions)."""
    logins = mentioned_logins(body)
    if not logins:
        return []
    return list(db.session.scalars(
        select(User).where(User.login.in_(logins), User.active.is_(True)).order_by(User.id)
    ))
