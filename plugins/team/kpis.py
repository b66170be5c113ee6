"""KPIs the team plugin offers others (appraisal, analytics): kudos received and action items done on time."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.contracts import KPIDef, Period
from core.extensions import db
from core.timeutil import local_date, period_bounds
from plugins.team.models import ActionItem, Kudos


def kudos_received(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    since, until = period_bounds(period)
    rows = db.session.execute(select(Kudos.to_id, func.count(Kudos.id))
                              .where(Kudos.to_id.in_(user_ids), Kudos.created_at >= since, Kudos.created_at < until)
                              .group_by(Kudos.to_id)).all()
    found = {uid: Decimal(n) for uid, n in rows}
    return {uid: found.get(uid, Decimal("0")) for uid in user_ids}


def action_items_on_time(user_ids: list[int], period: Period) -> dict[int, Decimal]:
    """Of the items due in the period, the share done by their due date, company-local (%). One statement; the
    items of a month are few, so the comparison of days is made here rather than in each dialect's date SQL."""
    rows = db.session.execute(
        select(ActionItem.owner_id, ActionItem.due_on, ActionItem.done_at)
        .where(ActionItem.owner_id.in_(user_ids), ActionItem.due_on >= period.start, ActionItem.due_on < period.end)
    ).all()
    totals: dict[int, list[int]] = {}
    for owner_id, due_on, done_at in rows:
        counts = totals.setdefault(owner_id, [0, 0])
        counts[0] += 1
        counts[1] += int(done_at is not None and local_date(done_at) <= due_on)
    return {uid: (Decimal(good) * 100 / total).quantize(Decimal("0.01")) for uid, (total, good) in totals.items()}


def kpi_definitions() -> list[KPIDef]:
    return [
        KPIDef("team.kudos_received", _l("Kudos received"), "count", kudos_received),
        KPIDef("team.action_items_on_time", _l("Meeting action items done on time"), "%", action_items_on_time),
    ]
