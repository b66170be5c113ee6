"""Sales plans and targets (R2.3.1, R2.2.1, R2.2.3): the manager sets the company's annual target; supervisors
break it down to their representatives and months; progress is revenue against target."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.timeutil import utcnow
from plugins.pipeline.models import SalesTarget
from plugins.pipeline.services import PipelineError


def _find(session: Any, year: int, user_id: int | None, month: int | None) -> SalesTarget | None:
    return session.scalar(select(SalesTarget).where(
        SalesTarget.year == year,
        SalesTarget.user_id.is_(None) if user_id is None else SalesTarget.user_id == user_id,
        SalesTarget.month.is_(None) if month is None else SalesTarget.month == month,
    ))


def set_target(session: Any, *, year: int, amount: Decimal, set_by: Any, user_id: int | None = None,
               month: int | None = None) -> SalesTarget:
    """Create or change one target. The breakdown of a year may not exceed the level above it."""
    if amount is None or amount < 0:
        raise PipelineError(_l("A target is zero or more."), "amount")
    if month is not None and not 1 <= month <= 12:
        raise PipelineError(_l("Choose a month from 1 to 12."), "month")
    if month is not None and user_id is None:
        raise PipelineError(_l("Monthly targets are set per representative."), "month")
    if user_id is not None:
        # The sum of representatives' targets may not exceed the company's year; months not their rep's year.
        parent = _find(session, year, None, None) if month is None else _find(session, year, user_id, None)
        if parent is not None:
            siblings = select(func.coalesce(func.sum(SalesTarget.amount), 0)).where(SalesTarget.year == year)
            if month is None:
                siblings = siblings.where(SalesTarget.user_id.is_not(None), SalesTarget.month.is_(None),
                                          SalesTarget.user_id != user_id)
            else:
                siblings = siblings.where(SalesTarget.user_id == user_id, SalesTarget.month.is_not(None),
                                          SalesTarget.month != month)
            if Decimal(str(session.scalar(siblings))) + amount > parent.amount:
                raise PipelineError(_l("The breakdown would exceed the target above it (%(amount)s).",
                                       amount=parent.amount), "amount")
    target = _find(session, year, user_id, month)
    if target is None:
        target = SalesTarget(year=year, user_id=user_id, month=month, amount=amount, set_by_id=set_by.id)
        session.add(target)
    else:
        target.amount, target.set_by_id, target.updated_at = amount, set_by.id, utcnow()
    session.flush()
    return target


def target_for(session: Any, year: int, user_id: int | None, month: int | None = None) -> Decimal | None:
    target = _find(session, year, user_id, month)
    return target.amount if target else None
