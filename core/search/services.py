"""Asking the enabled plugins for matches and grouping them by kind. Plugins filter by the user's scope; the
engine calls only enabled plugins, so a disabled plugin's records never appear."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from core.contracts import SearchResult

#: Shorter queries match too much to be useful (two characters: one Chinese word such as 张三).
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
#: What each plugin may return for one query.
PER_PLUGIN_LIMIT = 20


@dataclass
class SearchGroup:
    kind: str
    results: list[SearchResult]

    @property
    def label(self) -> str:
        """The heading a reader sees: the results' kind_label (translated), else the kind itself."""
        return next((str(r.kind_label) for r in self.results if r.kind_label), self.kind)


def normalise(query: str | None) -> str:
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


def search(query: str, user: Any, limit: int = PER_PLUGIN_LIMIT) -> list[SearchGroup]:
    """Matches for ``query`` that ``user`` may see, grouped by kind (groups by their best score, then name).

    Returns nothing for a query shorter than MIN_QUERY_LENGTH."""
    query = normalise(query)
    if len(query) < MIN_QUERY_LENGTH:
        return []
    engine = current_app.extensions["netsales"]
    groups: dict[str, list[SearchResult]] = {}
    for result in engine.collect("global_search", SearchResult, query=query, user=user, limit=limit):
        groups.setdefault(str(result.kind), []).append(result)
    ordered = []
    for kind, results in groups.items():
        results.sort(key=lambda r: (-r.score, str(r.title)))
        ordered.append(SearchGroup(kind, results[:limit]))
    ordered.sort(key=lambda g: (-max(r.score for r in g.results), g.kind))
    return ordered
