"""Global search over shared posts (title and text) and notices the user may see (title): one statement each."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select

from core.contracts import SearchResult
from core.db.substring_index import contains_any_case
from core.extensions import db
from core.security import can
from core.timeutil import utcnow
from plugins.team.models import Notice, Post
from plugins.team.services import notices


def search(query: str, user: Any, limit: int) -> list[SearchResult]:
    text = (query or "").strip()
    if not text:
        return []
    results: list[SearchResult] = []
    if can(user, "team.post.view"):
        rows = db.session.execute(
            select(Post.id, Post.title, Post.body_text)
            .where(or_(contains_any_case(Post.title, text), contains_any_case(Post.body_text, text)))
            .order_by(Post.like_count.desc(), Post.id.desc()).limit(limit)).all()
        results += [SearchResult(title=title, url=url_for("team.post", post_id=pid), kind=_("Shared experience"),
                                 snippet=(body or "")[:120]) for pid, title, body in rows]
    if can(user, "team.notice.view"):
        now = utcnow()
        rows = db.session.execute(
            select(Notice.id, Notice.title).where(contains_any_case(Notice.title, text), notices.visible(user),
                                                  or_(Notice.expires_at.is_(None), Notice.expires_at > now))
            .order_by(Notice.published_at.desc()).limit(limit)).all()
        results += [SearchResult(title=title, url=url_for("team.notice", notice_id=nid), kind=_("Notice"))
                    for nid, title in rows]
    return results[:limit]
