"""Progress against sales targets (R2.3.1, R2.2.1): revenue (the pipeline.revenue KPI) against each target, for
many representatives at once in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core.contracts import Period
from core.timeutil import month_period
from plugins.pipeline.kpis import revenue
from plugins.pipeline.models import SalesTarget


@dataclass(frozen=True)
class Progress:
    target: Decimal | None
    done: Decimal

    @property
    def ratio(self) -> Decimal | None:
        """Completion as a fraction (0.925 for 92.5%), None without a target."""
        return (self.done / self.target).quantize(Decimal("0.0001")) if self.target else None


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year + 1, 1, 1))


def targets_of_year(session: Any, year: int, user_ids: list[int]) -> dict[tuple[int | None, int | None], Decimal]:
    """{(user_id, month): amount} for the company's year and the given representatives, one query."""
    rows = session.execute(select(SalesTarget.user_id, SalesTarget.month, SalesTarget.amount).where(
        SalesTarget.year == year, (SalesTarget.user_id.is_(None)) | (SalesTarget.user_id.in_(user_ids or [0]))))
    return {(uid, month): amount for uid, month, amount in rows}


def year_progress(session: Any, year: int, user_ids: list[int]) -> dict[int, Progress]:
    targets = targets_of_year(session, year, user_ids)
    done = revenue(user_ids, year_period(year)) if user_ids else {}
    return {uid: Progress(targets.get((uid, None)), done.get(uid, Decimal("0"))) for uid in user_ids}


def month_progress(session: Any, user: Any, day: date) -> Progress:
    """The user's progress this month: the monthly target if broken down, else none."""
    targets = targets_of_year(session, day.year, [user.id])
    done = revenue([user.id], month_period(day.year, day.month))[user.id]
    return Progress(targets.get((user.id, day.month)), done)
