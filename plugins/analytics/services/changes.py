"""Notable changes (R7.1.3): each KPI of each person, last month against the month before; what moved beyond
the threshold is recorded once and told to the person's superior.

One ``compute`` call per KPI and month (set-based, all people at once), whatever the headcount."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.contracts import KPIDef
from core.identity.models import User
from core.notifications.service import notify
from core.settings.store import get_setting
from core.timeutil import local_today, month_period
from plugins.analytics.models import NotableChange

THRESHOLD_SETTING = "analytics.change_threshold"
MIN_BASE_SETTING = "analytics.change_min_base"


@dataclass(frozen=True)
class Move:
    kpi: KPIDef
    user_id: int
    previous: Decimal
    current: Decimal

    @property
    def change(self) -> Decimal:
        return (self.current / self.previous - 1).quantize(Decimal("0.0001"))


def _previous_month(day: date) -> tuple[int, int]:
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)


def kpis() -> list[KPIDef]:
    engine = current_app.extensions["netsales"]
    return sorted(engine.collect("register_kpis", KPIDef), key=lambda k: k.key)


def _setting_decimal(key: str, default: str) -> Decimal:
    try:
        return Decimal(str(get_setting(key)))
    except (InvalidOperation, TypeError, ValueError, KeyError):
        return Decimal(default)


def find_moves(user_ids: list[int], month: tuple[int, int], threshold: Decimal, min_base: Decimal) -> list[Move]:
    """KPIs of ``month`` against the month before that moved by ``threshold`` (0.4 = 40 %) or more either way."""
    year, number = month
    before = _previous_month(date(year, number, 1))
    moves = []
    for kpi in kpis():
        try:
            now = kpi.compute(user_ids, month_period(year, number))
            then = kpi.compute(user_ids, month_period(*before))
        except Exception:  # one plugin's broken KPI must not stop the others' report
            current_app.logger.exception("KPI %s failed in the notable-change job", kpi.key)
            continue
        for user_id, previous in then.items():
            current = now.get(user_id, Decimal("0"))
            if previous is None or abs(Decimal(previous)) < max(min_base, Decimal("0.0001")):
                continue  # no base to compare with: a change from nothing is not a percentage
            move = Move(kpi, user_id, Decimal(previous), Decimal(current))
            if abs(move.change) >= threshold:
                moves.append(move)
    return moves


def record_last_month(session: Any, today: date | None = None) -> int:
    """The job: record last month's notable changes not yet recorded, and notify each person's superior."""
    today = today or local_today()
    month = _previous_month(today)
    first_day = date(month[0], month[1], 1)
    people = {u.id: u for u in session.scalars(select(User).where(User.active))}
    if not people:
        return 0
    threshold = _setting_decimal(THRESHOLD_SETTING, "40") / 100
    min_base = _setting_decimal(MIN_BASE_SETTING, "1")
    known = set(session.execute(select(NotableChange.kpi_key, NotableChange.user_id)
                                .where(NotableChange.month == first_day)).all())
    added = 0
    for move in find_moves(sorted(people), month, threshold, min_base):
        if (move.kpi.key, move.user_id) in known:
            continue
        session.add(NotableChange(kpi_key=move.kpi.key, user_id=move.user_id, month=first_day,
                                  previous=move.previous, current=move.current, change=move.change))
        person = people[move.user_id]
        superior = people.get(person.superior_id) if person.superior_id else None
        if superior is not None:
            message = (_l("%(kpi)s of %(name)s went up by %(pct)s%% in %(month)s (from %(before)s to %(now)s).")
                       if move.change > 0 else
                       _l("%(kpi)s of %(name)s fell by %(pct)s%% in %(month)s (from %(before)s to %(now)s)."))
            notify(superior, message, url="/analytics/changes", kpi=str(move.kpi.label), name=person.name,
                   pct=str(abs(move.change * 100).quantize(Decimal("1"))), month=first_day.strftime("%Y-%m"),
                   before=str(move.previous.normalize()), now=str(move.current.normalize()))
        added += 1
    session.flush()
    return added


RECENT = 200


def changes_for(user: Any, limit: int = RECENT) -> list[tuple[NotableChange, str]]:
    """Changes of ``user`` and everyone under them in the org chart (all of them for an administrator), latest
    first; AccessDenied for anyone who may not see analytics, whoever calls it."""
    from core.extensions import db
    from core.security import can, is_admin, team_condition
    from plugins.analytics.permissions import VIEW
    from plugins.analytics.services.access import AccessDenied

    if not can(user, VIEW):
        raise AccessDenied()
    stmt = (select(NotableChange, User.name).join(User, User.id == NotableChange.user_id)
            .order_by(NotableChange.month.desc(), NotableChange.change).limit(limit))
    if not is_admin(user):
        stmt = stmt.where(team_condition(NotableChange.user_id, user))  # team_ids holds the user (R2.2.2)
    return list(db.session.execute(stmt).all())
