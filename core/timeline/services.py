"""Comments and the merged timeline of a record. No request objects: views and tests call these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from types import SimpleNamespace
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Select, bindparam, select
from sqlalchemy.orm import joinedload

from core.attachments.models import Attachment
from core.attachments.records import can_see, can_write, record_key, record_url
from core.contracts import TimelineEntry
from core.extensions import db
from core.i18n import FixedWords, gettext_noop
from core.identity.models import User
from core.timeline.mentions import mentioned_users
from core.timeline.models import Comment

MAX_COMMENT_LENGTH = 5000
#: notify() stores the English msgid and translates it for the reader when they read it.
MENTION_MESSAGE = _l("%(author)s mentioned you: %(excerpt)s")
#: Each source contributes at most this many of its newest entries; the page says when older ones are left out.
TIMELINE_LIMIT = 100


#: Not "Created": plugins translate that msgid as a column ("创建时间") and the catalogues are merged.
_ACTIONS = {"create": gettext_noop("Record created"), "update": gettext_noop("Record changed"),
            "delete": gettext_noop("Record deleted"), "archive": gettext_noop("Record archived"),
            "state": gettext_noop("State changed"), "export": gettext_noop("Exported")}
#: The audit lines' words, translated once per language and process (issue 18: a look-up each on every record page).
ACTION_WORDS = FixedWords(*_ACTIONS.values())


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
    """One line of a record's timeline, whatever its source. ``comment`` and ``attachment`` are rows of the columns
    the timeline shows (comment: id, body; attachment: id, filename, size), not ORM objects."""

    at: datetime
    kind: str  # comment, attachment, change, or a plugin's own kind
    text: str = ""
    #: Who made it, by their display name; None: the system (or a user who is gone).
    user_name: str | None = None
    url: str | None = None
    comment: Any = None
    attachment: Any = None
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def user(self) -> Any:
        """For templates written before ``user_name``: an object with the author's ``name``, or None."""
        return None if self.user_name is None else SimpleNamespace(name=self.user_name)


@dataclass
class Timeline:
    items: list[TimelineItem]
    #: True when a source had more than TIMELINE_LIMIT entries and the oldest were left out.
    truncated: bool = False


# The timeline's statements, built once per process (issue 18: building them at every record page cost more than
# running them); the record and the limit are parameters. Authors come as their names, joined, not as whole users.
@cache
def _comments_statement() -> Select:
    return (select(Comment.id, Comment.body, Comment.created_at, User.name.label("user_name"))
            .outerjoin(User, User.id == Comment.author_id)
            .where(Comment.record_type == bindparam("record_type"), Comment.record_id == bindparam("record_id"))
            .order_by(Comment.created_at.desc(), Comment.id.desc())
            .limit(bindparam("limit", type_=Integer)))


@cache
def _attachments_statement() -> Select:
    return (select(Attachment.id, Attachment.filename, Attachment.size, Attachment.uploaded_at,
                   User.name.label("user_name"))
            .outerjoin(User, User.id == Attachment.uploaded_by_id)
            .where(Attachment.record_type == bindparam("record_type"),
                   Attachment.record_id == bindparam("record_id"))
            .order_by(Attachment.uploaded_at.desc(), Attachment.id.desc())
            .limit(bindparam("limit", type_=Integer)))


@cache
def _audit_statement() -> Select:
    """The record's newest audit entries, as core.audit.history_for reads them, with their users' names."""
    from core.audit.models import AuditLog

    return (select(AuditLog.id, AuditLog.at, AuditLog.user_id, AuditLog.actor, AuditLog.action,
                   AuditLog.table_name, AuditLog.model, AuditLog.record_id, AuditLog.changes,
                   User.name.label("user_name"))
            .outerjoin(User, User.id == AuditLog.user_id)
            .where(AuditLog.table_name == bindparam("table_name"), AuditLog.record_id == bindparam("audit_key"))
            .order_by(AuditLog.id.desc())
            .limit(bindparam("limit", type_=Integer)))


@cache
def _names_statement() -> Select:
    return select(User.id, User.name).where(User.id.in_(bindparam("user_ids", expanding=True)))


def timeline_for(obj: Any, limit: int = TIMELINE_LIMIT, user: Any = None) -> Timeline:
    """Comments, attachments, audit changes and enabled plugins' ``timeline_entries``, oldest first, as ``user``
    (the viewer, handed to the plugins) sees them.

    A fixed number of queries whatever the number of entries: one per source, and one for the names of plugin
    entries' users when a plugin gives their ids without their names."""
    from core.audit.entries import record_key as audit_key

    record_type, record_id = record_key(obj)
    db.session.flush()  # what the ORM's autoflush does before a query: pending changes count
    connection = db.session.connection()
    where = {"record_type": record_type, "record_id": record_id, "limit": limit + 1}
    comments = connection.execute(_comments_statement(), where).all()
    attachments = connection.execute(_attachments_statement(), where).all()
    truncated = len(comments) > limit or len(attachments) > limit
    items = [TimelineItem(c.created_at, "comment", user_name=c.user_name, comment=c) for c in comments[:limit]]
    items += [TimelineItem(a.uploaded_at, "attachment", text=a.filename, user_name=a.user_name, attachment=a)
              for a in attachments[:limit]]
    table_name, key = audit_key(obj)
    entries = connection.execute(_audit_statement(), {"table_name": table_name, "audit_key": key,
                                                      "limit": limit + 1}).all()
    changes = _audit_items(entries[::-1])  # oldest first
    truncated = truncated or len(changes) > limit
    items += changes[-limit:]
    items += _plugin_items(obj, user, connection)
    items.sort(key=lambda item: item.at)
    return Timeline(items, truncated)


def _audit_items(rows: list[Any]) -> list[TimelineItem]:
    """The record's newest changes from the audit trail, oldest first: only the fields its model tracks, by their
    labels and their values' labels (core/audit/labels.py); a change of untracked fields only (bookkeeping) is left
    out."""
    from core.audit.entries import AuditEntry
    from core.audit.labels import shown_changes

    entries = [AuditEntry.from_row(row) for row in rows]
    # A creation lists every field as new and the record page shows them already: its line has no fields, so they
    # are neither labelled nor their users looked up (a users statement); only the other entries go to shown_changes.
    changed = [e for e in entries if e.action != "create"]
    shown = iter(shown_changes([(e.table_name, e.action, e.changes) for e in changed]))
    words = ACTION_WORDS()
    items = []
    for row, entry in zip(rows, entries, strict=True):
        changes = [] if entry.action == "create" else next(shown)
        if not changes and entry.action != "create":
            continue  # untracked fields only (bookkeeping)
        action = _ACTIONS.get(entry.action)
        items.append(TimelineItem(entry.at, "change", text=str(words[action]) if action else "",
                                  user_name=row.user_name if entry.user_id is not None else None,
                                  changes=[(c.label, c.old, c.new) for c in changes]))
    return items


def _plugin_items(obj: Any, user: Any, connection: Any) -> list[TimelineItem]:
    engine = current_app.extensions["netsales"]
    entries = engine.collect("timeline_entries", TimelineEntry, obj=obj, user=user)
    # Entries made without a name (user_name came later; third-party plugins) have theirs looked up, all at once.
    missing = {e.user_id for e in entries if e.user_id is not None and getattr(e, "user_name", None) is None}
    names = dict(connection.execute(_names_statement(), {"user_ids": sorted(missing)}).all()) if missing else {}
    return [TimelineItem(e.at, e.kind, text=e.text, url=e.url,
                         user_name=e.user_name if getattr(e, "user_name", None) is not None
                         else names.get(e.user_id))
            for e in entries]
