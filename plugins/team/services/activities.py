"""Team activities (R8.1.1): outdoor events, dinners, training days with sign-up within a capacity, a cost, and
photos (the core attachments on the activity's timeline)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, or_, update
from sqlalchemy.exc import IntegrityError

from core.timeutil import utcnow
from plugins.team.models import ACTIVITY_KINDS, Activity, ActivitySignup
from plugins.team.services import TeamError

MAX_COST = Decimal("999999999999.99")


def create_activity(session: Any, user: Any, *, title: str, kind: str, starts_at: datetime | None,
                    location: str | None, capacity: int | None, cost: Decimal | None,
                    description: str | None = None) -> Activity:
    if not (title or "").strip():
        raise TeamError(_l("Give the activity a title."), "title")
    if kind not in ACTIVITY_KINDS:
        raise TeamError(_l("Choose what kind of activity it is."), "kind")
    if starts_at is None or starts_at <= utcnow():
        raise TeamError(_l("The activity must start in the future."), "starts_at")
    if capacity is not None and capacity < 1:
        raise TeamError(_l("At least one place, or leave it empty for no limit."), "capacity")
    cost = cost if cost is not None else Decimal("0")
    if not cost.is_finite() or cost < 0 or cost > MAX_COST:
        raise TeamError(_l("Enter a cost from 0 up to 999,999,999,999.99."), "cost")
    activity = Activity(title=title.strip(), kind=kind, starts_at=starts_at, location=(location or "").strip() or None,
                        capacity=capacity, cost=cost.quantize(Decimal("0.01")),
                        description=(description or "").strip() or None, organizer_id=user.id)
    session.add(activity)
    session.flush()
    return activity


def sign_up(session: Any, activity: Activity, user: Any) -> None:
    """Take a place: one conditional UPDATE of the count, so the capacity holds under simultaneous sign-ups."""
    if activity.cancelled:
        raise TeamError(_l("This activity was cancelled."))
    if activity.starts_at <= utcnow():
        raise TeamError(_l("This activity has already started."))
    try:
        with session.begin_nested():
            session.execute(insert(ActivitySignup).values(activity_id=activity.id, user_id=user.id,
                                                          created_at=utcnow()))
            taken = session.execute(
                update(Activity).where(Activity.id == activity.id,
                                       or_(Activity.capacity.is_(None), Activity.signup_count < Activity.capacity))
                .values(signup_count=Activity.signup_count + 1).execution_options(synchronize_session=False))
            if taken.rowcount != 1:
                raise TeamError(_l("The activity is full."))
    except IntegrityError:
        raise TeamError(_l("You are already signed up.")) from None
    session.expire(activity, ["signup_count"])


def withdraw(session: Any, activity: Activity, user: Any) -> None:
    result = session.execute(delete(ActivitySignup).where(ActivitySignup.activity_id == activity.id,
                                                          ActivitySignup.user_id == user.id))
    if result.rowcount != 1:
        raise TeamError(_l("You are not signed up."))
    session.execute(update(Activity).where(Activity.id == activity.id)
                    .values(signup_count=Activity.signup_count - 1).execution_options(synchronize_session=False))
    session.expire(activity, ["signup_count"])
