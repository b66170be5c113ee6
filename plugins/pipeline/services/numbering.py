"""Record numbers (Q-2026-00001, SO-2026-000001): the next free one, and inserting under it safely.

Two people creating a quotation at the same moment both read the same highest number; the unique index lets only
one of them have it. ``add_numbered`` then takes the next number for the other instead of answering an error
(a load test found this answering 500)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

ATTEMPTS = 5


def next_in_sequence(session: Any, column: Any, prefix: str, digits: int) -> str:
    """``prefix`` followed by one more than the highest number with that prefix, zero-padded (the padding makes
    the highest number the greatest text)."""
    highest = session.scalar(select(func.max(column)).where(column.like(f"{prefix}%")))
    last = int(highest[len(prefix):]) if highest and highest[len(prefix):].isdigit() else 0
    return f"{prefix}{last + 1:0{digits}d}"


def add_numbered(session: Any, record: Any, numberer: Callable[[Any], str]) -> None:
    """Add and flush ``record`` under ``numberer(session)``; if someone took that number meanwhile, the next one."""
    from plugins.pipeline.services import Conflict

    for _attempt in range(ATTEMPTS):
        record.number = numberer(session)
        try:
            with session.begin_nested():
                session.add(record)
                session.flush()
            return
        except IntegrityError:
            continue  # the savepoint is gone, the transaction goes on: read the highest number again
    raise Conflict(_l("Many records were numbered at the same moment. Please try again."))
