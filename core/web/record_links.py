"""Links to a list's records built from one url_for a page: a list writes ``prefix ~ row.id`` (or ``before ~ row.id ~
after``) instead of calling url_for once a row, which costs as much as the rest of the row (issues 6 and 18)."""

from __future__ import annotations

from flask import url_for

#: An id no record has, to find where the id goes in a record's URL.
_ID_MARK = 918273645


def record_url_parts(endpoint: str, argument: str) -> tuple[str, str]:
    """The URL of ``endpoint`` for a record, split around the record's id (``("/pipeline/quotations/",
    "/decide")``)."""
    before, _mark, after = url_for(endpoint, **{argument: _ID_MARK}).partition(str(_ID_MARK))
    return before, after


def record_url_prefix(endpoint: str, argument: str) -> str:
    """The URL of ``endpoint`` for a record without the id that ends it (``/pipeline/deals/``); ValueError when the
    id does not end it."""
    before, after = record_url_parts(endpoint, argument)
    if after:
        raise ValueError(f"{endpoint}'s URL does not end with its {argument}")
    return before
