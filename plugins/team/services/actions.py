"""Action items of meetings (R8.2.2): an owner and a due date, on the owner's dashboard, reminded before and
after the due date, done exactly once; an owner who leaves hands their open items to their superior."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from core.identity.models import User
from core.security import can
from core.timeutil import local_date, local_today, utcnow
from plugins.team.models import ActionItem, Meeting
from plugins.team.services import TeamError
from plugins.team.services.meetings import MANAGE, may_edit, meeting_path

REMINDER_BATCH = 500


def add_item(session: Any, meeting: Meeting, user: Any, *, title: str, owner_id: int | None,
             due_on: date | None) -> ActionItem:
    from core.notifications.service import notify

    if not may_edit(user, meeting):
        raise TeamError(_l("Only the organizer or the team's leader adds action items."))
    if meeting.state != "scheduled":
        raise TeamError(_l("The minutes are closed."))
    if not (title or "").strip():
        raise TeamError(_l("Say what is to be done."), "title")
    owner = session.get(User, owner_id) if owner_id else None
    if owner is None or not owner.active:
        raise TeamError(_l("Choose who does it."), "owner_id")
    if due_on is None:
        raise TeamError(_l("Give a due date."), "due_on")
    if due_on < local_date(meeting.starts_at):
        raise TeamError(_l("The due date cannot be before the meeting."), "due_on")
    item = ActionItem(meeting_id=meeting.id, title=title.strip(), owner_id=owner.id, due_on=due_on)
    session.add(item)
    session.flush()
    if owner.id != user.id:
        notify(owner, _l("New action item for you: %(title)s (due %(due)s)"), meeting_path(meeting.id),
               title=item.title, due=due_on)
    return item


def may_complete(user: Any, item: ActionItem) -> bool:
    return item.owner_id == user.id or may_edit(user, item.meeting) or can(user, MANAGE)


def complete(session: Any, item: ActionItem, user: Any) -> None:
    """Mark done; exactly one of two simultaneous clicks wins (a conditional UPDATE), the other is told."""
    if not may_complete(user, item):
        raise TeamError(_l("Only the owner or the meeting's organizer marks this item done."))
    result = session.execute(update(ActionItem).where(ActionItem.id == item.id, ActionItem.state == "open")
                             .values(state="done", done_at=utcnow(), done_by_id=user.id))
    if result.rowcount != 1:
        raise TeamError(_l("This item is already done."))
    session.refresh(item)


def open_items_of(session: Any, user: Any, limit: int = 8) -> list[ActionItem]:
    """The user's open items, soonest due first (the dashboard widget): one statement."""
    return list(session.scalars(select(ActionItem).where(ActionItem.owner_id == user.id, ActionItem.state == "open")
                                .order_by(ActionItem.due_on, ActionItem.id).limit(limit)).unique())


def send_reminders(session: Any, today: date | None = None) -> int:
    """Remind the owners of open items due within the configured days, or overdue, once a day each."""
    from core.notifications.service import notify
    from core.settings import get_setting

    today = today or local_today()
    horizon = today + timedelta(days=max(0, int(get_setting("team.reminder_days_before") or 0)))
    items = list(session.scalars(
        select(ActionItem).where(ActionItem.state == "open", ActionItem.due_on <= horizon,
                                 (ActionItem.reminded_on.is_(None)) | (ActionItem.reminded_on < today))
        .order_by(ActionItem.due_on).limit(REMINDER_BATCH)).unique())
    for item in items:
        if not item.owner.active:
            continue  # reassign_inactive hands it over first
        if item.due_on < today:
            message = _l("Overdue action item: %(title)s (was due %(due)s)")
        else:
            message = _l("Action item due %(due)s: %(title)s")
        notify(item.owner, message, meeting_path(item.meeting_id), title=item.title, due=item.due_on)
        item.reminded_on = today
    session.flush()
    return len(items)


def _heir(session: Any, person: User, fallback_id: int | None) -> User | None:
    """The nearest active superior, else the fallback (the meeting's organizer) if active."""
    seen = {person.id}
    current = person
    while current.superior_id and current.superior_id not in seen:
        seen.add(current.superior_id)
        current = session.get(User, current.superior_id)
        if current is None:
            break
        if current.active:
            return current
    fallback = session.get(User, fallback_id) if fallback_id else None
    return fallback if fallback is not None and fallback.active else None


def reassign_inactive(session: Any) -> int:
    """Open items whose owner was deactivated go to the owner's superior (told so)."""
    from core.notifications.service import notify

    items = list(session.scalars(select(ActionItem).join(User, User.id == ActionItem.owner_id)
                                 .where(ActionItem.state == "open", User.active.is_(False))).unique())
    moved = 0
    for item in items:
        heir = _heir(session, item.owner, item.meeting.organizer_id)
        if heir is None:
            continue
        item.reassigned_from_id, item.owner_id = item.owner_id, heir.id
        notify(heir, _l("Action item handed to you: %(title)s (due %(due)s)"), meeting_path(item.meeting_id),
               title=item.title, due=item.due_on)
        moved += 1
    session.flush()
    return moved
