"""/search?q=: the results page behind the search box in the header."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from core.search.services import MAX_QUERY_LENGTH, MIN_QUERY_LENGTH, normalise, search
from core.security import authenticated

bp = Blueprint("core_search", __name__)


@bp.get("/search")
@authenticated
def results():  # type: ignore[no-untyped-def]
    query = normalise(request.args.get("q"))
    too_short = 0 < len(query) < MIN_QUERY_LENGTH
    groups = search(query, current_user) if query and not too_short else []
    return render_template("search/results.html", query=query, groups=groups, too_short=too_short,
                           min_length=MIN_QUERY_LENGTH, max_length=MAX_QUERY_LENGTH,
                           total=sum(len(g.results) for g in groups))
