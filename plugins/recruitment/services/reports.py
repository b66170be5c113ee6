"""Recruitment figures, each a fixed number of set-based statements whatever the number of applications: the
board of a requisition, the funnel per stage and channel, time to fill, time in stage, cost per hire per channel,
offer acceptance."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import String, and_, bindparam, case, column, func, select, text, true, union_all

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
#: The statuses drawn on the board (closed applications are not).
ON_BOARD = ("active", "hired")
#: The funnel's steps: applications, then those that reached each later stage.
FUNNEL = ("applied", "test", "interview", "background", "offer", "hired")


@dataclass
class Board:
    counts: dict[str, int] = field(default_factory=dict)
    cards: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class _CardParts:
    """What the board's card statement is made of, built once per process: built at every request, the twelve
    branches cost more than running them (issue 18; SQLite, 20 applications: 1.6 ms a board, 1.15 so, 1.0 for the
    window's)."""

    with_candidate: Any  # a card's columns for the requisition ``board_requisition``, and the candidate's id
    with_name: Any  # ... and the candidate's name (joined)
    pairs: Any  # the (stage, status) pairs drawn, as a VALUES list (PostgreSQL)
    branches: tuple[Any, ...]  # the same pairs as conditions (SQLite)
    newest: tuple[Any, ...]  # newest in the stage first; the id breaks ties


@cache
def _card_parts() -> _CardParts:
    columns = (select(Application.id, Application.stage, Application.on_hold, Application.channel,
                      Application.stage_entered_at, Application.referrer_id)
               .where(Application.requisition_id == bindparam("board_requisition")))
    drawn = [(stage, status) for stage in STAGES for status in ON_BOARD]
    # A textual VALUES list of constants: SQLAlchemy's values() is not cached and was compiled at every request.
    rows = ", ".join(f"('{stage}', '{status}')" for stage, status in drawn)
    return _CardParts(
        with_candidate=columns.add_columns(Application.candidate_id),
        with_name=columns.add_columns(Candidate.name).join(Candidate, Candidate.id == Application.candidate_id),
        pairs=text(f"SELECT * FROM (VALUES {rows}) AS pair (stage, status)")
        .columns(column("stage", String), column("status", String)).subquery("board_pair"),
        branches=tuple(and_(Application.stage == stage, Application.status == status) for stage, status in drawn),
        newest=(Application.stage_entered_at.desc(), Application.id.desc()))


def _newest_cards(session: Any, user: Any) -> Any:
    """The newest ``BOARD_CARDS`` cards ``user`` may see of each (stage, status), each through
    ix_recruitment_application_board (requisition, status, stage, stage_entered_at), read backwards: at most 12 x
    ``BOARD_CARDS`` rows whatever the plan's size, and the candidate's name looked up for those only. (PostgreSQL
    sorts a pair's rows itself while it expects fewer than ``BOARD_CARDS`` of them.)

    PostgreSQL: a LATERAL subquery over the twelve pairs, planned once (a UNION ALL of twelve branches took 1.2 ms
    to plan, more than the window ran for at 10,000 applications). SQLite has no LATERAL: a UNION ALL of twelve
    branches, each a subquery (a bare member of a compound select takes no ORDER BY or LIMIT)."""
    parts = _card_parts()
    limit = bindparam("board_cards")
    if session.get_bind().dialect.name == "postgresql":
        kept = (scoped(parts.with_candidate, Application, "recruitment.application.view", user)
                .where(Application.stage == parts.pairs.c.stage, Application.status == parts.pairs.c.status)
                .order_by(*parts.newest).limit(limit).lateral("board_kept"))
        name = select(Candidate.name).where(Candidate.id == kept.c.candidate_id).scalar_subquery()
        return (select(kept.c.id, kept.c.stage, kept.c.on_hold, kept.c.channel, kept.c.stage_entered_at,
                       kept.c.referrer_id, name.label("name")).select_from(parts.pairs).join(kept, true()))
    cards = scoped(parts.with_name, Application, "recruitment.application.view", user)
    return union_all(*(select(cards.where(branch).order_by(*parts.newest).limit(limit).subquery())
                       for branch in parts.branches))


def board(session: Any, requisition: Requisition, user: Any) -> Board:
    """Active and hired applications per stage (count) and the newest ``BOARD_CARDS`` of each: two statements.

    The cards are read per (stage, status) (_newest_cards), where a window over all the plan's applications grew
    with them (issue 18); each stage's two statuses are merged here, in the window's order (stage_entered_at, then
    id, newest first). The counts of an "all" scope read the board index alone."""
    counted = scoped(select(Application.stage, func.count()), Application, "recruitment.application.view",
                     user).where(Application.requisition_id == requisition.id, Application.status.in_(ON_BOARD))
    result = Board(counts=dict.fromkeys(STAGES, 0), cards={stage: [] for stage in STAGES})
    for stage, n in session.execute(counted.group_by(Application.stage)):
        result.counts[stage] = n
    for row in session.execute(_newest_cards(session, user),
                               {"board_requisition": requisition.id, "board_cards": BOARD_CARDS}):
        result.cards[row.stage].append(row)
    for cards in result.cards.values():
        cards.sort(key=lambda card: (card.stage_entered_at, card.id), reverse=True)
        del cards[BOARD_CARDS:]
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
