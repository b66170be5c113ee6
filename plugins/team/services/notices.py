"""The notice board (R8.2.1): announcements to everyone, a department or the author's team, with pinning,
expiry, required reading and read receipts.

Publishing tells each person in the audience through the core notifications (one bulk insert), so the unread
badge every page already shows — one indexed count of the user's unread notifications — includes new notices at
no extra statement. Opening a notice records the receipt and clears its notification; a required notice needs
an explicit "I have read it"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from core.i18n import source_text
from core.identity.models import Department, User
from core.notifications.models import Notification, NotificationPreference
from core.notifications.service import resolve_for
from core.security import can
from core.timeutil import local_midnight_utc, utcnow
from plugins.team.models import AUDIENCES, Notice, NoticeRead, people_without_roles
from plugins.team.services import TeamError, robots
from plugins.team.services.audience import audience_includes, member_ids, members_query, reaches

PUBLISH, MANAGE = "team.notice.publish", "team.notice.manage"
NEW_NOTICE = _l("New notice: %(title)s")
REQUIRED_NOTICE = _l("Please read: %(title)s")


def notice_path(notice_id: int) -> str:
    return f"/team/notices/{notice_id}"


def notice_subject(notice_id: int) -> str:
    """What the notice's notifications are about (core notifications' ``about``): resolved when it expires."""
    return f"team.notice:{notice_id}"


def publish(session: Any, author: Any, *, title: str, body: str, audience: str = "all",
            department_id: int | None = None, pinned: bool = False, required: bool = False,
            expires_on: date | None = None) -> Notice:
    """Publish a notice now; tells its audience (in-app, e-mail for those who chose it, the audience's robots)."""
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise TeamError(_l("Give the notice a title."), "title")
    if not body:
        raise TeamError(_l("Write the notice."), "body")
    if audience not in AUDIENCES:
        raise TeamError(_l("Choose who the notice is for."), "audience")
    if audience == "department" and (not department_id or session.get(Department, department_id) is None):
        raise TeamError(_l("Choose the department."), "department_id")
    now = utcnow()
    expires_at = local_midnight_utc(expires_on) if expires_on else None
    if expires_at is not None and expires_at <= now:
        raise TeamError(_l("The expiry date must be after today."), "expires_on")
    notice = Notice(title=title, body=body, audience=audience,
                    department_id=department_id if audience == "department" else None,
                    team_leader_id=author.id if audience == "team" else None, author_id=author.id,
                    pinned=bool(pinned), required=bool(required), published_at=now, expires_at=expires_at)
    session.add(notice)
    session.flush()
    recipients = member_ids(session, audience, notice.department_id, notice.team_leader_id) - {author.id}
    _notify_all(session, recipients, notice)
    robots.queue(session, audience=audience, department_id=notice.department_id,
                 team_leader_id=notice.team_leader_id, title=str(_l("Notice")) + ": " + title, text=body[:500],
                 url=notice_path(notice.id), sender=author)
    return notice


def _notify_all(session: Any, recipients: set[int], notice: Notice) -> None:
    """One bulk insert of in-app notifications; people who chose e-mail get it through the core's notify()."""
    from core.notifications.service import notify

    if not recipients:
        return
    message = REQUIRED_NOTICE if notice.required else NEW_NOTICE
    by_email = set(session.scalars(select(NotificationPreference.user_id).where(
        NotificationPreference.email, NotificationPreference.user_id.in_(sorted(recipients)))))
    url = notice_path(notice.id)
    about = notice_subject(notice.id)
    rows = [{"recipient_id": uid, "message": source_text(message), "params": {"title": notice.title}, "url": url,
             "created_at": notice.published_at, "subject": about} for uid in sorted(recipients - by_email)]
    if rows:
        session.execute(insert(Notification), rows)
    for person in session.scalars(select(User).where(User.id.in_(sorted(by_email)))):
        notify(person, message, url, email=True, about=about, title=notice.title)


# ---------------------------------------------------------------------------------------------------- reading


def may_see(user: Any, notice: Notice) -> bool:
    if notice.author_id == user.id or can(user, MANAGE):
        return True
    if notice.audience == "all":
        return True
    if notice.audience == "department":
        return notice.department_id is not None and notice.department_id == user.department_id
    from core.extensions import db
    from core.identity.org import team_member_ids

    return user.id in team_member_ids(db.session, notice.team_leader_id or 0)


def may_follow_up(user: Any, notice: Notice) -> bool:
    """The author (and whoever manages the board) sees who has not read it."""
    return notice.author_id == user.id or can(user, MANAGE)


def visible(user: Any) -> Any:
    """The condition on Notice for what ``user`` may see."""
    manages, department = visible_shape(user)
    return _visible_to(manages, user.id, user.department_id if department else None)


def visible_shape(user: Any) -> tuple[bool, bool]:
    """What ``visible(user)``'s SQL depends on besides the user's values: (manages the board, has a department)."""
    return can(user, MANAGE), bool(user.department_id)


def bound_visible(manages: bool, department: bool) -> Any:
    """``visible``'s condition for users of this shape (``visible_shape``) with their id and department as
    parameters (``visible_parameters``), for a statement built once per shape."""
    return _visible_to(manages, bindparam("notice_user_id"), bindparam("notice_department_id") if department else None)


def _visible_to(manages: bool, user_id: Any, department_id: Any) -> Any:
    """Every notice for whoever manages the board; else those whose audience includes the person ``user_id`` of
    ``department_id`` (None: of none), and their own. Each a value or a bound parameter."""
    if manages:
        return Notice.id.is_not(None)
    return or_(audience_includes(Notice, user_id, department_id), Notice.author_id == user_id)


def visible_parameters(user: Any) -> dict[str, Any]:
    """The parameters of ``bound_visible(*visible_shape(user))``: none are read by a manager's condition."""
    return {"notice_user_id": user.id, "notice_department_id": user.department_id}


def mark_read(session: Any, notice: Notice, user: Any) -> bool:
    """Record that ``user`` read ``notice`` (once); clears the notice's unread notification. True if new."""
    if session.get(NoticeRead, (notice.id, user.id)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(NoticeRead(notice_id=notice.id, user_id=user.id, read_at=utcnow()))
    except IntegrityError:  # the same person in two tabs: already recorded
        return False
    session.execute(update(Notification).where(
        Notification.recipient_id == user.id, Notification.read_at.is_(None),
        Notification.subject == notice_subject(notice.id)).values(read_at=utcnow()))
    return True


def has_read(session: Any, notice: Notice, user: Any) -> datetime | None:
    return session.scalar(select(NoticeRead.read_at).where(NoticeRead.notice_id == notice.id,
                                                           NoticeRead.user_id == user.id))


# ---------------------------------------------------------------------------------------------------- the board


@dataclass(frozen=True)
class BoardPage:
    items: list[Any]
    read_ids: set[int]
    page: int
    has_next: bool


#: The read receipts of one page of notices: one statement, built once.
_READS = select(NoticeRead.notice_id).where(NoticeRead.user_id == bindparam("user_id"),
                                            NoticeRead.notice_id.in_(bindparam("ids", expanding=True)))


def board(session: Any, user: Any, page: int = 1, per_page: int = 20, include_expired: bool = False) -> BoardPage:
    """One page of the board, pinned first then newest: two statements whatever the number of notices (no total
    count: the page knows only whether another follows)."""
    page = max(1, page)
    now = utcnow()
    stmt = select(Notice).where(visible(user))
    if not include_expired:
        stmt = stmt.where(or_(Notice.expires_at.is_(None), Notice.expires_at > now))
    stmt = stmt.options(*people_without_roles(Notice.author, Notice.team_leader))
    rows = list(session.scalars(stmt.order_by(Notice.pinned.desc(), Notice.published_at.desc(), Notice.id.desc())
                                .limit(per_page + 1).offset((page - 1) * per_page)).unique())
    items = rows[:per_page]
    read_ids = set(session.scalars(_READS, {"user_id": user.id, "ids": [n.id for n in items]})) if items else set()
    return BoardPage(items=items, read_ids=read_ids, page=page, has_next=len(rows) > per_page)


#: The dashboard's "Notices to read" looks this far back, so that its cost stays that of a few months of notices
#: however long the board's history (older required notices stay on the board, marked unread).
REQUIRED_WINDOW_DAYS = 90


def unread_required(session: Any, user: Any, limit: int = 5) -> list[Notice]:
    """Current required notices of the last REQUIRED_WINDOW_DAYS the user has not confirmed (dashboard)."""
    now = utcnow()
    read = exists().where(NoticeRead.notice_id == Notice.id, NoticeRead.user_id == user.id)
    return list(session.scalars(
        select(Notice).where(Notice.required, Notice.published_at >= now - timedelta(days=REQUIRED_WINDOW_DAYS),
                             reaches(Notice, user), ~read, Notice.author_id != user.id,
                             or_(Notice.expires_at.is_(None), Notice.expires_at > now))
        .order_by(Notice.published_at.desc()).limit(limit)).unique())


# ---------------------------------------------------------------------------------------------------- receipts


@dataclass(frozen=True)
class Receipts:
    audience: int
    read: int

    @property
    def unread(self) -> int:
        return max(self.audience - self.read, 0)


def receipts(session: Any, notice: Notice) -> Receipts:
    """How many of the audience (active people now, the author aside) have read the notice."""
    people = members_query(session, notice.audience, notice.department_id, notice.team_leader_id) \
        .where(User.id != notice.author_id).with_only_columns(User.id).subquery()
    total = session.scalar(select(func.count()).select_from(people)) or 0
    read = session.scalar(select(func.count()).select_from(NoticeRead).where(
        NoticeRead.notice_id == notice.id, NoticeRead.user_id.in_(select(people.c.id)))) or 0
    return Receipts(audience=total, read=read)


def not_read_query(session: Any, notice: Notice) -> Any:
    """A select of the people who have not read ``notice`` yet, by name: the author's follow-up list."""
    read = exists().where(NoticeRead.notice_id == notice.id, NoticeRead.user_id == User.id)
    return (members_query(session, notice.audience, notice.department_id, notice.team_leader_id)
            .where(User.id != notice.author_id, ~read).order_by(User.name, User.id))


def remind_unread(session: Any, notice: Notice, user: Any) -> int:
    """Remind everyone who has not read a required notice; returns how many were told."""
    from core.notifications.service import notify

    if not notice.required:
        raise TeamError(_l("Only required reading is followed up."))
    people = list(session.scalars(not_read_query(session, notice)))
    for person in people:
        notify(person, REQUIRED_NOTICE, notice_path(notice.id), about=notice_subject(notice.id), title=notice.title)
    return len(people)


def set_pinned(session: Any, notice: Notice, pinned: bool) -> None:
    notice.pinned = pinned
    session.flush()


def expire_now(session: Any, notice: Notice) -> None:
    """Take a notice off the board now (kept, with its receipts, for the record)."""
    notice.expires_at = utcnow()
    session.flush()
    clear_expired(session)


def clear_expired(session: Any) -> int:
    """Mark read the notifications of notices that expired: an expired notice no longer counts as unread."""
    now = utcnow()
    ids = list(session.scalars(select(Notice.id).where(Notice.expires_at <= now, Notice.expiry_done.is_(False))))
    for notice_id in ids:
        resolve_for(notice_subject(notice_id))  # the (subject, read) index
    if ids:
        session.execute(update(Notice).where(Notice.id.in_(ids)).values(expiry_done=True))
    return len(ids)
