"""The pipeline's rules, without request objects: what views, the API, tests and other plugins call."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm.exc import StaleDataError


class PipelineError(ValueError):
    """A rule of the sales process refuses the action; the message (translated) says why, for the user."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.field = field


class Conflict(PipelineError):
    """Someone else changed the record between reading and writing it: of two concurrent transitions exactly one
    wins, and the other gets this (the page flashes it, the API answers 409). The session is rolled back."""


def flush_or_conflict(session: Any, message: Any) -> None:
    """Flush; a versioned row that someone else changed meanwhile rolls the session back and raises Conflict.

    The rollback comes before the message is made: a failed flush leaves the session unusable, and translating
    may read the signed-in user (issue 11 F5)."""
    try:
        session.flush()
    except StaleDataError as exc:
        session.rollback()
        raise Conflict(message) from exc
