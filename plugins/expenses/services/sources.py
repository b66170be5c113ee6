"""Claims filed for the cost of another record (issue 17: a team activity's cost "linked to an expense claim when
the expenses plugin is on"). Any model that declares ``__expense_claimable__ = True`` takes part, with no import
either way: the claim keeps the record's key (core.attachments.records.record_key: table name and id), the record's
page offers "File an expense claim" and the claims' count (smart_buttons.py), and its timeline lists their
submissions and payments (timeline.py)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from core.attachments.records import model_for, record_key, visible_record


def is_claimable(model: type | None) -> bool:
    """Whether records of ``model`` may have claims filed for their cost."""
    return model is not None and getattr(model, "__expense_claimable__", False) is True


def source_key(obj: Any) -> str:
    """The record's key as the new-claim form's ``for=`` takes it: "team_activity:12"."""
    record_type, record_id = record_key(obj)
    return f"{record_type}:{record_id}"


def parse_source_key(raw: str | None) -> tuple[str, int] | None:
    """("team_activity", 12) from "team_activity:12", or None for anything else."""
    record_type, _sep, number = (raw or "").strip().rpartition(":")
    if not record_type or not number.isascii() or not number.isdigit() or len(number) > 18:
        return None
    return record_type, int(number)


def claimable_record(raw: str | None, user: Any) -> Any | None:
    """The record ``for=`` names, if it is claimable and ``user`` may see it; else None (the form answers 404)."""
    key = parse_source_key(raw)
    if key is None or not is_claimable(model_for(key[0])):
        return None
    return visible_record(key[0], key[1], user)


def record_label(obj: Any) -> str:
    """The record as a reader names it: its kind's label and its title or name ("团队活动 · 春季徒步")."""
    kind = getattr(type(obj), "__label__", None)
    name = getattr(obj, "title", None) or getattr(obj, "name", None) or f"#{obj.id}"
    return f"{kind} · {name}" if kind else str(name)


def default_title(obj: Any) -> str:
    """What the new-claim form proposes as the purpose of a claim filed for ``obj``."""
    return _("Costs of %(record)s", record=record_label(obj))[:200]


def source_of(claim: Any, user: Any) -> Any | None:
    """The record the claim was filed for, if there is one and ``user`` may see it (else None: nothing leaks)."""
    if not claim.source_type or claim.source_id is None:
        return None
    return visible_record(claim.source_type, claim.source_id, user)
