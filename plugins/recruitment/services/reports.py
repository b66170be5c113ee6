"""Recruitment figures, each a fixed number of set-based statements whatever the number of applications: the
board of a requisition, the funnel per stage and channel, time to fill, time in stage, cost per hire per channel,
offer acceptance."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select

from core.security import scope_for, scoped
from plugins.recruitment.models import (
    CHANNELS,
    STAGES,
    Application,
    Candidate,
    ChannelCost,
    Offer,
    Requisition,
    StageChange,
)

BOARD_CARDS = 30
#: The funnel's steps: applications, then those that reached each later stage.
FUNNEL = ("applied", "test", "interview", "background", "offer", "hired")


@dataclass
class Board:
    counts: dict[str, int] = field(default_factory=dict)
    cards: dict[str, list[Any]] = field(default_factory=dict)


def board(session: Any, requisition: Requisition, user: Any) -> Board:
    """Active applications per stage (count) and the newest ``BOARD_CARDS`` of each: two statements."""
    base = scoped(select(Application.stage, func.count(Application.id)), Application,
                  "recruitment.application.view", user).where(
        Application.requisition_id == requisition.id, Application.status.in_(("active", "hired")))
    result = Board(counts=dict.fromkeys(STAGES, 0), cards={stage: [] for stage in STAGES})
    for stage, n in session.execute(base.group_by(Application.stage)):
        result.counts[stage] = n
    rank = func.row_number().over(partition_by=Application.stage,
                                  order_by=(Application.stage_entered_at.desc(), Application.id.desc())).label("rank")
    inner = scoped(select(Application.id, Application.stage, Application.on_hold, Application.channel,
                          Application.stage_entered_at, Application.referrer_id, Candidate.name, rank)
                   .join(Candidate, Candidate.id == Application.candidate_id), Application,
                   "recruitment.application.view", user).where(
        Application.requisition_id == requisition.id, Application.status.in_(("active", "hired"))).subquery()
    rows = session.execute(select(inner).where(inner.c.rank <= BOARD_CARDS)
                           .order_by(inner.c.stage, inner.c.rank)).all()
    for row in rows:
        result.cards[row.stage].append(row)
    return result


def funnel(session: Any, user: Any, requisition_id: int | None = None) -> dict[str, dict[str, int]]:
    """{channel: {step: applications that reached it}} plus a "total" row: one statement.

    The applications are counted per channel and furthest stage (a few dozen groups) and the steps summed here:
    counting them is the work that grows with the applications, and a plain count per group through the (channel,
    furthest) index reads no row of the table, where a sum of five CASE expressions per application took five times
    as long (SQLite, 10,000 applications: 4.5 -> 0.8 ms of CPU)."""
    stmt = scoped(select(Application.channel, Application.furthest, func.count(Application.id)), Application,
                  "recruitment.application.view", user)
    if requisition_id:
        stmt = stmt.where(Application.requisition_id == requisition_id)
    steps = [(step, STAGES.index(step)) for step in FUNNEL[1:]]
    table: dict[str, dict[str, int]] = {}
    for channel, furthest, count in session.execute(stmt.group_by(Application.channel, Application.furthest)):
        values = table.get(channel)
        if values is None:
            values = table[channel] = dict.fromkeys(FUNNEL, 0)
        values["applied"] += count
        for step, reached in steps:
            if furthest is not None and furthest >= reached:
                values[step] += count
    total = {step: sum(values[step] for values in table.values()) for step in FUNNEL}
    ordered = {c: table[c] for c in CHANNELS if c in table}
    ordered["total"] = total
    return ordered


def time_in_stage(session: Any, user: Any) -> dict[str, Decimal]:
    """Average days spent in each stage by applications that left it: one statement. The applications are joined
    only for a scope's condition: every stage change has its application (a foreign key), so for the "all" scope
    the join filtered nothing and cost as much as the average (10,000 applications: PostgreSQL hashed them all)."""
    stmt = select(StageChange.from_stage, func.avg(StageChange.seconds_in_stage)).where(
        StageChange.from_stage.is_not(None), StageChange.from_stage != StageChange.to_stage)
    if scope_for(user, "recruitment.application.view") != "all":
        stmt = scoped(stmt.join(Application, Application.id == StageChange.application_id), Application,
                      "recruitment.application.view", user)
    return {stage: (Decimal(str(avg or 0)) / 86400).quantize(Decimal("0.1"))
            for stage, avg in session.execute(stmt.group_by(StageChange.from_stage))}


def time_to_fill(session: Any, user: Any) -> Decimal | None:
    """Average days from approval to the last place filled, over filled requisitions (one statement; requisitions
    are few, so the difference is taken here, the same on every database)."""
    stmt = scoped(select(Requisition.approved_at, Requisition.filled_at), Requisition,
                  "recruitment.requisition.view", user).where(
        Requisition.state == "filled", Requisition.approved_at.is_not(None), Requisition.filled_at.is_not(None))
    days = [(filled - approved).total_seconds() / 86400 for approved, filled in session.execute(stmt)]
    return (Decimal(str(sum(days) / len(days))).quantize(Decimal("0.1"))) if days else None


def cost_per_hire(session: Any, user: Any) -> dict[str, dict[str, Any]]:
    """{channel: {cost, hires, per_hire}}: two statements."""
    costs = dict(session.execute(select(ChannelCost.channel, func.sum(ChannelCost.amount))
                                 .group_by(ChannelCost.channel)).all())
    hires = dict(session.execute(scoped(select(Application.channel, func.count(Application.id)), Application,
                                        "recruitment.application.view", user)
                                 .where(Application.status == "hired").group_by(Application.channel)).all())
    result = {}
    for channel in CHANNELS:
        cost, hired = Decimal(costs.get(channel) or 0), int(hires.get(channel) or 0)
        if cost or hired:
            result[channel] = {"cost": cost, "hires": hired,
                               "per_hire": (cost / hired).quantize(Decimal("0.01")) if hired else None}
    return result


def offer_acceptance(session: Any, user: Any) -> tuple[int, int, Decimal | None]:
    """(accepted, answered, rate): one statement."""
    stmt = scoped(select(func.coalesce(func.sum(case((Offer.state == "accepted", 1), else_=0)), 0),
                         func.count(Offer.id)).join(Application, Application.id == Offer.application_id),
                  Application, "recruitment.application.view", user).where(Offer.state.in_(("accepted", "declined")))
    accepted, answered = session.execute(stmt).one()
    accepted, answered = int(accepted or 0), int(answered or 0)
    return accepted, answered, (Decimal(accepted) / answered).quantize(Decimal("0.0001")) if answered else None
