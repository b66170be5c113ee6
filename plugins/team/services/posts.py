"""Knowledge sharing (R8.1.2): posts with tags, likes and comments (the core timeline), search, and the most
useful posts of the month (most liked in it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.contracts import Period
from core.db.substring_index import contains_any_case
from core.security import can
from core.timeutil import period_bounds, utcnow
from plugins.team.models import POST_KINDS, Post, PostLike, PostTag
from plugins.team.services import TeamError
from plugins.team.services.sanitize import sanitize

#: Reading and writing shared experience are one permission (R8, plugins/team/permissions.py).
POST_VIEW = "team.post.view"

MAX_TAGS = 8


def parse_tags(text: str | None) -> list[str]:
    """Tags separated by commas, spaces or the Chinese comma; lower-cased, unique, at most 8 of 40 characters."""
    raw = (text or "").replace("，", ",").replace("、", ",").replace(" ", ",")
    tags: list[str] = []
    for part in raw.split(","):
        tag = part.strip().lstrip("#").lower()[:40]
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise TeamError(_l("At most %(n)s tags.", n=MAX_TAGS), "tags")
    return tags


#: The kinds of record a post may be about (R8.1.2), each offered by its module's searchable select when it is on.
ABOUT_KINDS = ("crm.customer", "pipeline.deal", "training.course")


def check_related(kind: str | None, record_id: int | None, user: Any) -> tuple[str | None, int | None]:
    """The record a post is about, if ``user`` may see it; (None, None) for none."""
    from core.web.lookup import linked_record

    if not kind and record_id is None:
        return None, None
    if kind not in ABOUT_KINDS or linked_record(kind, record_id, user) is None:
        raise TeamError(_l("Choose a customer, deal or course that you can open."), "related")
    return kind, record_id


def create_post(session: Any, user: Any, *, title: str, body: str, kind: str = "tip", tags: str | None = None,
                related_kind: str | None = None, related_id: int | None = None) -> Post:
    # The page checks it too; a plugin, a job or the API that calls this service is held to the same rule.
    if not can(user, POST_VIEW):
        raise TeamError(_l("You may not share experience."))
    if not (title or "").strip():
        raise TeamError(_l("Give the post a title."), "title")
    if kind not in POST_KINDS:
        raise TeamError(_l("Choose what kind of post it is."), "kind")
    body_html, body_text = sanitize(body or "")
    if not body_text.strip():
        raise TeamError(_l("Write the post."), "body")
    tag_list = parse_tags(tags)
    related_kind, related_id = check_related(related_kind, related_id, user)
    post = Post(title=title.strip(), kind=kind, body_html=body_html, body_text=body_text, tags=", ".join(tag_list)
                or None, related_kind=related_kind, related_id=related_id, author_id=user.id)
    session.add(post)
    session.flush()
    session.add_all(PostTag(post_id=post.id, tag=tag) for tag in tag_list)
    session.flush()
    return post


def listing(query: str | None = None, tag: str | None = None, kind: str | None = None) -> Select:
    stmt = select(Post)
    if query:
        stmt = stmt.where(contains_any_case(Post.title, query) | contains_any_case(Post.body_text, query))
    if tag:
        stmt = stmt.where(Post.id.in_(select(PostTag.post_id).where(PostTag.tag == tag.lower())))
    if kind in POST_KINDS:
        stmt = stmt.where(Post.kind == kind)
    return stmt


def like(session: Any, post: Post, user: Any) -> bool:
    """Like once; True if this click counted."""
    try:
        with session.begin_nested():
            session.execute(insert(PostLike).values(post_id=post.id, user_id=user.id, created_at=utcnow()))
    except IntegrityError:
        return False
    session.execute(update(Post).where(Post.id == post.id).values(like_count=Post.like_count + 1)
                    .execution_options(synchronize_session=False))
    session.expire(post, ["like_count"])
    return True


def unlike(session: Any, post: Post, user: Any) -> bool:
    result = session.execute(delete(PostLike).where(PostLike.post_id == post.id, PostLike.user_id == user.id))
    if result.rowcount != 1:
        return False
    session.execute(update(Post).where(Post.id == post.id).values(like_count=Post.like_count - 1)
                    .execution_options(synchronize_session=False))
    session.expire(post, ["like_count"])
    return True


def liked_by(session: Any, post: Post, user: Any) -> bool:
    return session.get(PostLike, (post.id, user.id)) is not None


def most_useful(session: Any, month: date, limit: int = 5) -> list[tuple[Post, int]]:
    """The posts most liked during ``month`` (any month day), with that month's likes: one statement."""
    start = month.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    since, until = period_bounds(Period(start, end))
    likes = (select(PostLike.post_id, func.count().label("n")).where(PostLike.created_at >= since,
                                                                    PostLike.created_at < until)
             .group_by(PostLike.post_id).subquery())
    rows = session.execute(select(Post, likes.c.n).join(likes, likes.c.post_id == Post.id)
                           .order_by(likes.c.n.desc(), Post.id.desc()).limit(limit)).unique().all()
    return [(post, n) for post, n in rows]


def popular_tags(session: Any, limit: int = 20) -> list[tuple[str, int]]:
    return list(session.execute(select(PostTag.tag, func.count()).group_by(PostTag.tag)
                                .order_by(func.count().desc(), PostTag.tag).limit(limit)).all())
