"""Errors the CRM's services raise: messages for the person who asked, with the field they concern."""

from __future__ import annotations


class CRMError(ValueError):
    """A request the rules refuse; ``field`` names the input it concerns, if one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Conflict(CRMError):
    """Someone else changed the record between reading and writing it: of two concurrent transitions exactly one
    wins, and the other gets this (a flash on the page, 409 in the API)."""


class FieldErrors(CRMError):
    """Several fields are invalid: {field: message}. Nothing was saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
