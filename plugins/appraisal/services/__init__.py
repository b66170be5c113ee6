"""The appraisal's rules, one module per entity; no request objects here."""

from __future__ import annotations

from typing import Any


class AppraisalError(ValueError):
    """A business rule refused an action; ``field`` names the form field the message belongs next to."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class StaleError(AppraisalError):
    """Someone else changed the appraisal first: the user reloads and sees what happened."""
