"""Recruitment figures, each a fixed number of set-based statements whatever the number of applications: the
board of a requisition, the funnel per stage and channel, time to fill, time in stage, cost per hire per channel,
offer acceptance.

The reports' statements are built once per (scope, whether a team's condition is written for PostgreSQL)
(core.security.statement_scope), the board's once per (scope, database), ``_COSTS``, which no scope restricts, once
for everyone; the reader's id or team is bound at each call (scope_parameters). core.security.scoped built them at
every request, which cost more than running them (issue 18)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Select, String, bindparam, case, column, func, select, text, true, union_all

from core.db.parameters import one_of
from core.identity.models import User
from core.security import scope_for, scope_parameters, statement_scope, within_scope
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
from plugins.recruitment.services.plain_rows import plain_rows

BOARD_CARDS = 30
#: The statuses drawn on the board (closed applications are not).
ON_BOARD = ("active", "hired")
#: The funnel's steps: applications, then those that reached each later stage.
FUNNEL = ("applied", "test", "interview", "background", "offer", "hired")
#: An application's owner, whose scope its figures are read in (R2.2).
_OWNER = Application.owner_id
#: The permission the applications' figures are scoped by.
_VIEW = "recruitment.application.view"
#: What a stage or status code written into the board's VALUES list may be (_newest_cards).
_CODE = re.compile(r"[a-z_]+")


@dataclass
class Board:
    counts: dict[str, int] = field(default_factory=dict)
    cards: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class _BoardStatements:
    """The board's two statements for one scope and database, built once per process (``_board_statements``)."""

    counts: Any  # active and hired applications per stage
    cards: Any  # the newest ``BOARD_CARDS`` of each (stage, status) (see ``_newest_cards``)


@cache
def _board_statements(scope: str | None, postgresql: bool) -> _BoardStatements:
    """Built once per scope and database, the scope's rule (core.security.scope_condition, R2.2) with the user's id
    or team left as parameters (scope_parameters), the plan and the cards a column too: built at every request
    (core.security.scoped), the twelve branches cost more than running them (issue 18; board() CPU at 1,000
    applications, HR: SQLite 1.15 -> 0.19 ms, PostgreSQL 1.34 -> 0.28 ms, docs/plugins/recruitment.md)."""
    counts = (within_scope(select(Application.stage, func.count()), scope, _OWNER, postgresql)
              .where(Application.requisition_id == bindparam("board_requisition"),
                     Application.status.in_(ON_BOARD)).group_by(Application.stage))
    return _BoardStatements(counts=counts, cards=_newest_cards(scope, postgresql))


def _newest_cards(scope: str | None, postgresql: bool) -> Any:
    """The newest ``BOARD_CARDS`` cards of each (stage, status) ``scope`` reaches, each through
    ix_recruitment_application_board (requisition, status, stage, stage_entered_at), read backwards: at most 12 x
    ``BOARD_CARDS`` rows whatever the plan's size, and the candidate's name looked up for those only. (PostgreSQL
    sorts a pair's rows itself while it expects fewer than ``BOARD_CARDS`` of them.)

    PostgreSQL: a LATERAL subquery over the twelve pairs, planned once (a UNION ALL of twelve branches took 1.2 ms
    to plan, more than the window ran for at 10,000 applications). SQLite has no LATERAL: a UNION ALL of twelve
    branches, each a subquery (a bare member of a compound select takes no ORDER BY or LIMIT)."""
    columns = (select(Application.id, Application.stage, Application.on_hold, Application.channel,
                      Application.stage_entered_at, Application.referrer_id)
               .where(Application.requisition_id == bindparam("board_requisition")))
    drawn = [(stage, status) for stage in STAGES for status in ON_BOARD]
    newest = (Application.stage_entered_at.desc(), Application.id.desc())  # the id breaks ties
    limit = bindparam("board_cards")
    if postgresql:
        # A textual VALUES list of constants: SQLAlchemy's values() is not cached and was compiled at every request.
        # The codes go into the SQL as literals, neither bound nor escaped, so each must be a plain code: raised, not
        # asserted (python -O drops asserts), should a stage or status ever hold a quote or anything else.
        unsafe = [code for pair in drawn for code in pair if not _CODE.fullmatch(code)]
        if unsafe:
            raise ValueError(f"board stage or status codes outside [a-z_]+: {unsafe!r}")
        rows = ", ".join(f"('{stage}', '{status}')" for stage, status in drawn)
        pairs = (text(f"SELECT * FROM (VALUES {rows}) AS pair (stage, status)")
                 .columns(column("stage", String), column("status", String)).subquery("board_pair"))
        kept = (within_scope(columns.add_columns(Application.candidate_id), scope, _OWNER, postgresql)
                .where(Application.stage == pairs.c.stage, Application.status == pairs.c.status)
                .order_by(*newest).limit(limit).lateral("board_kept"))
        name = select(Candidate.name).where(Candidate.id == kept.c.candidate_id).scalar_subquery()
        return (select(kept.c.id, kept.c.stage, kept.c.on_hold, kept.c.channel, kept.c.stage_entered_at,
                       kept.c.referrer_id, name.label("name")).select_from(pairs).join(kept, true()))
    named = columns.add_columns(Candidate.name).join(Candidate, Candidate.id == Application.candidate_id)
    if scope == "team":
        # The team's ids bound once, in a CTE the twelve branches read: in each branch's own condition they were
        # twelve copies of the list, and a team of some 2,700 people passed SQLite's 32,766 parameters.
        team = select(User.id).where(one_of(User.id, "scope_team_ids", False)).cte("board_team")
        cards = named.where(_OWNER.in_(select(team.c.id)))
    else:
        cards = within_scope(named, scope, _OWNER, postgresql)
    return union_all(*(select(cards.where(Application.stage == stage, Application.status == status)
                              .order_by(*newest).limit(limit).subquery())
                       for stage, status in drawn))


def board(session: Any, requisition: Requisition, user: Any) -> Board:
    """Active and hired applications per stage (count) and the newest ``BOARD_CARDS`` of each: two statements,
    built once per scope and database (``_board_statements``), run with the plan and the user's scope parameters.

    The cards are read per (stage, status) (_newest_cards), where a window over all the plan's applications grew
    with them (issue 18); each stage's two statuses are merged here, in the window's order (stage_entered_at, then
    id, newest first). The counts of an "all" scope read the board index alone. No grant: the scope's condition is
    false, both statements still run and find nothing (as core.security.scoped)."""
    scope = scope_for(user, _VIEW)
    # Built per database for every scope (PostgreSQL's LATERAL, SQLite's UNION ALL), not only a team's.
    statements = _board_statements(scope, session.get_bind().dialect.name == "postgresql")
    values = {"board_requisition": requisition.id, **scope_parameters(user, scope)}
    result = Board(counts=dict.fromkeys(STAGES, 0), cards={stage: [] for stage in STAGES})
    for stage, n in plain_rows(session, statements.counts, values):
        result.counts[stage] = n
    for row in plain_rows(session, statements.cards, {**values, "board_cards": BOARD_CARDS}):
        result.cards[row.stage].append(row)
    for cards in result.cards.values():
        cards.sort(key=lambda card: (card.stage_entered_at, card.id), reverse=True)
        del cards[BOARD_CARDS:]
    return result


@cache
def _funnel_statement(scope: str | None, postgresql: bool, by_requisition: bool) -> Select:
    stmt = within_scope(select(Application.channel, Application.furthest, func.count(Application.id)), scope, _OWNER,
                        postgresql)
    if by_requisition:
        stmt = stmt.where(Application.requisition_id == bindparam("report_requisition"))
    return stmt.group_by(Application.channel, Application.furthest)


def funnel(session: Any, user: Any, requisition_id: int | None = None) -> dict[str, dict[str, int]]:
    """{channel: {step: applications that reached it}} plus a "total" row: one statement.

    The applications are counted per channel and furthest stage (a few dozen groups) and the steps summed here:
    counting them is the work that grows with the applications, and a plain count per group through the (channel,
    furthest) index reads no row of the table, where a sum of five CASE expressions per application took five times
    as long (SQLite, 10,000 applications: 4.5 -> 0.8 ms of CPU)."""
    scope, postgresql, parameters = statement_scope(user, _VIEW)
    if requisition_id:
        parameters["report_requisition"] = requisition_id
    steps = [(step, STAGES.index(step)) for step in FUNNEL[1:]]
    table: dict[str, dict[str, int]] = {}
    statement = _funnel_statement(scope, postgresql, bool(requisition_id))
    for channel, furthest, count in plain_rows(session, statement, parameters):
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


@cache
def _time_in_stage_statement(scope: str | None, postgresql: bool) -> Select:
    stmt = select(StageChange.from_stage, func.avg(StageChange.seconds_in_stage)).where(
        StageChange.from_stage.is_not(None), StageChange.from_stage != StageChange.to_stage)
    if scope != "all":
        stmt = within_scope(stmt.join(Application, Application.id == StageChange.application_id), scope, _OWNER,
                            postgresql)
    return stmt.group_by(StageChange.from_stage)


def time_in_stage(session: Any, user: Any) -> dict[str, Decimal]:
    """Average days spent in each stage by applications that left it: one statement. The applications are joined
    only for a scope's condition: every stage change has its application (a foreign key), so for the "all" scope
    the join filtered nothing and cost as much as the average (10,000 applications: PostgreSQL hashed them all)."""
    scope, postgresql, values = statement_scope(user, _VIEW)
    return {stage: (Decimal(str(avg or 0)) / 86400).quantize(Decimal("0.1"))
            for stage, avg in plain_rows(session, _time_in_stage_statement(scope, postgresql), values)}


@cache
def _time_to_fill_statement(scope: str | None, postgresql: bool) -> Select:
    return within_scope(select(Requisition.approved_at, Requisition.filled_at), scope, Requisition.requested_by_id,
                        postgresql).where(
        Requisition.state == "filled", Requisition.approved_at.is_not(None), Requisition.filled_at.is_not(None))


def time_to_fill(session: Any, user: Any) -> Decimal | None:
    """Average days from approval to the last place filled, over filled requisitions (one statement; requisitions
    are few, so the difference is taken here, the same on every database)."""
    scope, postgresql, values = statement_scope(user, "recruitment.requisition.view")
    days = [(filled - approved).total_seconds() / 86400
            for approved, filled in plain_rows(session, _time_to_fill_statement(scope, postgresql), values)]
    return (Decimal(str(sum(days) / len(days))).quantize(Decimal("0.1"))) if days else None


_COSTS = select(ChannelCost.channel, func.sum(ChannelCost.amount)).group_by(ChannelCost.channel)


@cache
def _hires_statement(scope: str | None, postgresql: bool) -> Select:
    return (within_scope(select(Application.channel, func.count(Application.id)), scope, _OWNER, postgresql)
            .where(Application.status == "hired").group_by(Application.channel))


def cost_per_hire(session: Any, user: Any) -> dict[str, dict[str, Any]]:
    """{channel: {cost, hires, per_hire}}: two statements."""
    scope, postgresql, values = statement_scope(user, _VIEW)
    costs = dict(plain_rows(session, _COSTS).all())
    hires = dict(plain_rows(session, _hires_statement(scope, postgresql), values).all())
    result = {}
    for channel in CHANNELS:
        cost, hired = Decimal(costs.get(channel) or 0), int(hires.get(channel) or 0)
        if cost or hired:
            result[channel] = {"cost": cost, "hires": hired,
                               "per_hire": (cost / hired).quantize(Decimal("0.01")) if hired else None}
    return result


@cache
def _acceptance_statement(scope: str | None, postgresql: bool) -> Select:
    offers = (select(func.coalesce(func.sum(case((Offer.state == "accepted", 1), else_=0)), 0), func.count(Offer.id))
              .join(Application, Application.id == Offer.application_id))
    return within_scope(offers, scope, _OWNER, postgresql).where(Offer.state.in_(("accepted", "declined")))


def offer_acceptance(session: Any, user: Any) -> tuple[int, int, Decimal | None]:
    """(accepted, answered, rate): one statement."""
    scope, postgresql, values = statement_scope(user, _VIEW)
    accepted, answered = plain_rows(session, _acceptance_statement(scope, postgresql), values).one()
    accepted, answered = int(accepted or 0), int(answered or 0)
    return accepted, answered, (Decimal(accepted) / answered).quantize(Decimal("0.0001")) if answered else None
