"""Comments and the merged timeline of a record. No request objects: views and tests call these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from core.attachments.records import can_see, can_write, record_key, record_url
from core.attachments.services import attachments_for
from core.contracts import TimelineEntry
from core.extensions import db
from core.identity.models import User
from core.timeline.mentions import mentioned_users
from core.timeline.models import Comment

MAX_COMMENT_LENGTH = 5000
#: notify() stores the English msgid and translates it for the reader when they read it.
MENTION_MESSAGE = _l("%(author)s mentioned you: %(excerpt)s")
#: Each source contributes at most this many of its newest entries; the page says when older ones are left out.
TIMELINE_LIMIT = 100


#: Not "Created": plugins translate that msgid as a column ("创建时间") and the catalogues are merged.
_ACTION_LABELS = {"create": _l("Record created"), "update": _l("Record changed"), "delete": _l("Record deleted"),
                  "archive": _l("Record archived"), "state": _l("State changed"), "export": _l("Exported")}


class CommentError(ValueError):
    """A comment that is refused; the message is for the user, next to the comment field."""


class CommentRefused(CommentError):
    """The user may see the record but not add to it (issue 11 F8): 403."""


@dataclass
class CommentResult:
    comment: Comment
    #: Mentioned users who were notified, and those who were not because they may not see the record.
    notified: list[Any] = field(default_factory=list)
    not_notified: list[Any] = field(default_factory=list)


def add_comment(obj: Any, body: str, user: Any) -> CommentResult:
    """Add ``user``'s comment on ``obj`` and notify the users it @mentions who may see ``obj``; the caller commits.

    Raises CommentError for an empty or too long comment, CommentRefused unless ``user`` holds the record's edit
    permission (core.attachments.records.can_write, issue 11 F8): commenting is adding to the record."""
    from core.notifications import notify

    if not can_write(user, obj):
        raise CommentRefused(_("You may see this record but not comment on it."))
    record_type, record_id = record_key(obj)
    body = (body or "").strip()
    if not body:
        raise CommentError(_("Write a comment first."))
    if len(body) > MAX_COMMENT_LENGTH:
        raise CommentError(_("A comment can have at most %(max)d characters.", max=MAX_COMMENT_LENGTH))
    comment = Comment(record_type=record_type, record_id=record_id, author_id=user.id, body=body)
    db.session.add(comment)
    db.session.flush()
    result = CommentResult(comment)
    url = record_url(obj)
    url = url if url and url.startswith("/") and not url.startswith("//") else None
    for mentioned in mentioned_users(body):
        if mentioned.id == user.id:
            continue
        # Only people who may open the record hear of it: a mention must not leak what they may not see.
        if can_see(mentioned, obj):
            notify(mentioned, MENTION_MESSAGE, url=url,
                   author=user.name, excerpt=_excerpt(body))
            result.notified.append(mentioned)
        else:
            result.not_notified.append(mentioned)
    return result


def _excerpt(body: str, length: int = 80) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def comments_for(obj: Any, limit: int | None = None) -> list[Comment]:
    """The record's comments, newest first, authors loaded in the same query."""
    record_type, record_id = record_key(obj)
    query = (select(Comment)
             .options(joinedload(Comment.author).lazyload(User.roles))  # roles are not shown here
             .where(Comment.record_type == record_type, Comment.record_id == record_id)
             .order_by(Comment.created_at.desc(), Comment.id.desc()))
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


# ---------------------------------------------------------------------------------------------------- the timeline


@dataclass
class TimelineItem:
    """One line of a record's timeline, whatever its source."""

    at: datetime
    kind: str  # comment, attachment, change, or a plugin's own kind
    text: str = ""
    user: Any = None
    url: str | None = None
    comment: Comment | None = None
    attachment: Any = None
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)


@dataclass
class Timeline:
    items: list[TimelineItem]
    #: True when a source had more than TIMELINE_LIMIT entries and the oldest were left out.
    truncated: bool = False


def timeline_for(obj: Any, limit: int = TIMELINE_LIMIT, user: Any = None) -> Timeline:
    """Comments, attachments, audit changes and enabled plugins' ``timeline_entries``, oldest first, as ``user``
    (the viewer, handed to the plugins) sees them.

    A fixed number of queries whatever the number of entries: one per source, one for plugin entries' users."""
    comments = comments_for(obj, limit=limit + 1)
    attachments = attachments_for(obj, limit=limit + 1)
    truncated = len(comments) > limit or len(attachments) > limit
    items = [TimelineItem(c.created_at, "comment", user=c.author, comment=c) for c in comments[:limit]]
    items += [TimelineItem(a.uploaded_at, "attachment", text=a.filename, user=a.uploaded_by, attachment=a)
              for a in attachments[:limit]]
    changes = _audit_items(obj, limit + 1)
    truncated = truncated or len(changes) > limit
    items += changes[-limit:]
    items += _plugin_items(obj, user)
    items.sort(key=lambda item: item.at)
    return Timeline(items, truncated)


def _audit_items(obj: Any, limit: int) -> list[TimelineItem]:
    """The record's newest changes from the audit trail (core.audit.history_for), oldest first: only the fields
    its model tracks, by their labels and their values' labels (core/audit/labels.py); a change of untracked
    fields only (bookkeeping) is left out."""
    from core.audit import history_for
    from core.audit.labels import shown_changes

    entries = history_for(obj, limit=limit)
    users = _users({e.user_id for e in entries if e.user_id is not None})
    shown = shown_changes([(e.table_name, e.action, e.changes) for e in entries])
    items = []
    for entry, changes in zip(entries, shown, strict=True):
        if entry.action == "create":
            changes = []  # a creation lists every field as new: the record page shows them already
        elif not changes:
            continue
        items.append(TimelineItem(entry.at, "change", text=str(_ACTION_LABELS.get(entry.action, "")),
                                  user=users.get(entry.user_id),
                                  changes=[(c.label, c.old, c.new) for c in changes]))
    return items


def _users(ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    query = select(User).where(User.id.in_(ids)).options(lazyload(User.roles))
    return {u.id: u for u in db.session.scalars(query)}


def _plugin_items(obj: Any, user: Any) -> list[TimelineItem]:
    engine = current_app.extensions["netsales"]
    entries = engine.collect("timeline_entries", TimelineEntry, obj=obj, user=user)
    users = _users({e.user_id for e in entries if e.user_id is not None})
    return [TimelineItem(e.at, e.kind, text=e.text, user=users.get(e.user_id), url=e.url) for e in entries]
