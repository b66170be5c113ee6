"""Global search over shared posts (title and text) and notices the user may see (title): one statement each.

Each statement is built once per process for each shape (database, whether the text needs lower(), and for
notices whether the user manages the board and has a department) with the text, the user, the time and the limit
as parameters, and runs on the session's connection: building them at every search cost more than running them
(issue 18). The SQL is contains_any_case's and notices.visible's with the values bound."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, or_, select

from core.contracts import SearchResult
from core.db.substring_index import bound_contains, contains_pattern, needs_lower
from core.extensions import db
from core.security import can
from core.timeutil import utcnow
from core.web.record_links import record_url_prefix
from plugins.team.models import Notice, Post
from plugins.team.services import notices


# Each statement is built once per shape (functools.cache): a dozen shapes at the very most.
@cache
def _posts_statement(lower: bool) -> Select:
    """(id, title, text) of the posts whose title or text contains :text, most liked first (:limit)."""
    return (select(Post.id, Post.title, Post.body_text)
            .where(or_(bound_contains(Post.title, "text", lower), bound_contains(Post.body_text, "text", lower)))
            .order_by(Post.like_count.desc(), Post.id.desc()).limit(bindparam("limit")))


@cache
def _notices_statement(lower: bool, manages: bool, department: bool) -> Select:
    """(id, title) of the notices the user may see (notices.bound_visible) whose title contains :text and that
    have not expired at :now, latest first (:limit)."""
    return (select(Notice.id, Notice.title)
            .where(bound_contains(Notice.title, "text", lower), notices.bound_visible(manages, department),
                   or_(Notice.expires_at.is_(None), Notice.expires_at > bindparam("now")))
            .order_by(Notice.published_at.desc()).limit(bindparam("limit")))


def search(query: str, user: Any, limit: int) -> list[SearchResult]:
    text = (query or "").strip()
    if not text:
        return []
    results: list[SearchResult] = []
    posts, notices_too = can(user, "team.post.view"), can(user, "team.notice.view")
    if not (posts or notices_too):
        return results
    # Plain rows on the session's connection (nothing for the ORM to do); pending changes are flushed first, as
    # the ORM's autoflush did.
    db.session.flush()
    connection = db.session.connection()
    lower = needs_lower(text, connection.dialect.name == "postgresql")
    pattern = contains_pattern(text)
    if posts:
        rows = connection.execute(_posts_statement(lower),
                                  {"text": pattern, "limit": limit}).all()
        if rows:
            kind, url = _("Shared experience"), record_url_prefix("team.post", "post_id")
            results += [SearchResult(title=title, url=f"{url}{pid}", kind=kind, snippet=(body or "")[:120])
                        for pid, title, body in rows]
    # Only what the posts left room for: the answer is cut at ``limit``, posts first.
    if notices_too and len(results) < limit:
        stmt = _notices_statement(lower, *notices.visible_shape(user))
        rows = connection.execute(stmt, {"text": pattern, "now": utcnow(), "limit": limit - len(results),
                                         **notices.visible_parameters(user)}).all()
        if rows:
            kind, url = _("Notice"), record_url_prefix("team.notice", "notice_id")
            results += [SearchResult(title=title, url=f"{url}{nid}", kind=kind) for nid, title in rows]
    return results
