"""What other core services show on the jobs page (/admin/jobs), registered by them: the jobs service imports
none of them (dependency inversion, issue 19). The notifications service adds its outbox counts as ``outbox``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_SUMMARIES: dict[str, Callable[[], Any]] = {}


def add_page_summary(name: str, build: Callable[[], Any]) -> None:
    """Show ``build()`` on the jobs page as the template variable ``name`` (built on each visit of the page)."""
    _SUMMARIES[name] = build


def page_summaries() -> dict[str, Any]:
    """{name: build()} for every registered summary."""
    return {name: build() for name, build in _SUMMARIES.items()}
