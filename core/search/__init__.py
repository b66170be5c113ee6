"""Global search: one box, answered by enabled plugins through the ``global_search`` hook."""

from core.search.services import MIN_QUERY_LENGTH, SearchGroup, search

__all__ = ["MIN_QUERY_LENGTH", "SearchGroup", "search"]
