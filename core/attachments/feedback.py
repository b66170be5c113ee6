"""Getting a form's outcome back to the record page that holds the timeline (a page of another plugin).

Errors travel in the session, keyed by record and field, so that the timeline shows them next to the field that
caused them rather than as a banner; the page to return to is taken from ``next`` only if it is on this site."""

from __future__ import annotations

from typing import Any

from flask import request, session

SESSION_KEY = "netsales_timeline_errors"


def safe_next(default: str) -> str:
    """The ``next`` form field or query argument when it is a path on this site, else ``default``."""
    target = request.form.get("next") or request.args.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def remember_error(record_type: str, record_id: int, field: str, message: str, value: str = "") -> None:
    """Keep ``message`` (and what the user typed) for the next rendering of that record's timeline."""
    errors = dict(session.get(SESSION_KEY, {}))
    errors[f"{record_type}:{record_id}:{field}"] = {"message": message, "value": value}
    session[SESSION_KEY] = errors


def pop_errors(record_type: str, record_id: int) -> dict[str, Any]:
    """{field: {"message", "value"}} remembered for this record; they are shown once."""
    errors = dict(session.get(SESSION_KEY, {}))
    prefix = f"{record_type}:{record_id}:"
    mine = {key[len(prefix):]: value for key, value in errors.items() if key.startswith(prefix)}
    if mine:
        session[SESSION_KEY] = {key: value for key, value in errors.items() if not key.startswith(prefix)}
    return mine
