"""Use of results (R4.4, R10): the performance bonus table, promotion and demotion candidates, a person's history.
Each is a fixed number of statements whatever the headcount."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from core.identity.models import User
from plugins.appraisal.models import Appraisal, Cycle, light
from plugins.appraisal.services.scoring import q
from plugins.appraisal.settings import BONUS_POSITIONS, COEFFICIENTS, setting

#: States in which an appraisal has a result that counts.
RESULT_STATES = ("final", "appealed", "closed")


@dataclass(frozen=True)
class BonusRow:
    appraisal_id: int
    employee_id: int
    name: str
    position: str
    grade: str | None
    score: Decimal | None
    base: Decimal
    coefficient: Decimal
    prorata: Decimal
    bonus: Decimal


def bonus_rows(session: Any, cycle: Cycle, visible: Any = None) -> list[BonusRow]:
    """Bonus = base of the position × coefficient of the grade × pro rata share (× 12 for an annual cycle), for
    every final appraisal of the cycle (R4.4.1). ``visible`` is a select of the appraisal ids the reader may see."""
    stmt = (select(Appraisal.id, Appraisal.employee_id, User.name, User.position, Appraisal.grade,
                   Appraisal.final_score, Appraisal.prorata)
            .join(User, User.id == Appraisal.employee_id)
            .where(Appraisal.cycle_id == cycle.id, Appraisal.state.in_(RESULT_STATES))
            .order_by(User.name, Appraisal.id))
    if visible is not None:
        stmt = stmt.where(Appraisal.id.in_(visible))
    # A negative base or coefficient typed into the settings pays nothing rather than taking money back.
    bases = {p: max(Decimal(setting(f"bonus_base_{p}")), Decimal("0")) for p in BONUS_POSITIONS}
    coefficients = {g: max(Decimal(setting(f"bonus_coefficient_{g}")), Decimal("0")) for g, _c in COEFFICIENTS}
    months = Decimal(12) if cycle.kind == "annual" else Decimal(1)
    rows = []
    for aid, uid, name, position, grade, score, prorata in session.execute(stmt):
        base = bases.get(position, Decimal("0"))
        coefficient = coefficients.get(grade or "", Decimal("0"))
        rows.append(BonusRow(aid, uid, name, position, grade, score, base, coefficient, prorata,
                             q(base * coefficient * prorata * months)))
    return rows


@dataclass(frozen=True)
class Candidate:
    employee_id: int
    name: str
    position: str
    kind: str  # promotion, demotion
    history: tuple[tuple[Any, str | None, Decimal | None, Decimal | None], ...]  # (period, grade, score, results)


def candidates(session: Any, among: Any = None) -> list[Candidate]:
    """Promotion candidates: the last N monthly results all excellent (R4.4.2). Demotion or transfer candidates:
    the last M all unsatisfactory, or all with results under X % of target (R4.4.2, R10). One statement.

    ``among``: a condition on Appraisal.employee_id that limits who is considered (a team's:
    core.security.team_condition), None for everyone."""
    n = max(int(setting("promotion_streak")), 1)
    m = max(int(setting("demotion_streak")), 1)
    below = Decimal(setting("demotion_result_below"))
    depth = max(n, m)
    ranked = (select(Appraisal.employee_id, Appraisal.period_start, Appraisal.grade, Appraisal.final_score,
                     Appraisal.result_score,
                     func.row_number().over(partition_by=Appraisal.employee_id,
                                            order_by=Appraisal.period_start.desc()).label("rank"))
              .where(Appraisal.kind == "monthly", Appraisal.state.in_(RESULT_STATES)))
    if among is not None:
        ranked = ranked.where(among)
    ranked = ranked.subquery()
    rows = session.execute(
        select(ranked.c.employee_id, User.name, User.position, ranked.c.period_start, ranked.c.grade,
               ranked.c.final_score, ranked.c.result_score)
        .join(User, User.id == ranked.c.employee_id)
        .where(ranked.c.rank <= depth, User.active.is_(True))
        .order_by(User.name, ranked.c.employee_id, ranked.c.period_start.desc())).all()
    people: dict[int, list] = {}
    names: dict[int, tuple[str, str]] = {}
    for uid, name, position, period, grade, score, results in rows:
        people.setdefault(uid, []).append((period, grade, score, results))
        names[uid] = (name, position)
    found = []
    for uid, history in people.items():
        name, position = names[uid]
        if len(history) >= n and all(h[1] == "excellent" for h in history[:n]):
            found.append(Candidate(uid, name, position, "promotion", tuple(history[:n])))
        if len(history) >= m and (all(h[1] == "fail" for h in history[:m])
                                  or all(h[3] is not None and h[3] < below for h in history[:m])):
            found.append(Candidate(uid, name, position, "demotion", tuple(history[:m])))
    return found


def history(session: Any, employee_id: int, limit: int = 24) -> list[Appraisal]:
    """A person's appraisals, newest first (one statement; their scores are not loaded)."""

    return list(session.scalars(select(Appraisal).options(*light())
                                .where(Appraisal.employee_id == employee_id)
                                .order_by(Appraisal.period_start.desc(), Appraisal.kind).limit(limit)))
