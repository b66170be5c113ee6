"""Reading an appraisal's results (R4.1.1, R4.3.3) and freezing them: each KPI value with the key that answered and
the moment it was read, the effective target, the indicator's score; the customer evaluation likewise.

A whole cycle costs one ``compute`` call per KPI (each a set-based query over every person) and one customer
evaluation call, then bulk UPDATEs by primary key. Closed appraisals are never read again; HR may re-read an open
one with a reason (services/appraisals.repull)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select, update

from core.contracts import Period
from core.identity.models import User
from core.timeutil import utcnow
from plugins.appraisal.models import Appraisal, Cycle, Indicator, Score
from plugins.appraisal.services.scoring import RATING_POINTS, q, result_score, weighted
from plugins.appraisal.services.sources import available_kpis, customer_evaluations

OPEN_STATES = ("self_assessment", "superior_review", "calibration")
#: KPI units that add up over time (amounts, counts): their targets scale with the period's length and pro rata;
#: any other unit (%, a 1-5 score) is a rate and keeps its target.
AMOUNT_UNITS = ("CNY", "count")


def effective_target(target: Decimal | None, unit: str, kind: str, prorata: Decimal) -> Decimal | None:
    """The indicator's monthly target for this appraisal: twelve months for an annual one, pro rata for someone
    who joined during the period; rates stay as they are."""
    if target is None or unit not in AMOUNT_UNITS:
        return target
    months = Decimal(12) if kind == "annual" else Decimal(1)
    return q(target * months * prorata)


def pull_cycle(session: Any, cycle: Cycle, appraisal_ids: list[int] | None = None, only_unread: bool = False) -> int:
    """Read and freeze the results of the cycle's open appraisals (or of ``appraisal_ids`` among them). Returns how
    many appraisals were read. Does not commit."""
    period = Period(cycle.period_start, cycle.period_end)
    conditions = [Appraisal.cycle_id == cycle.id, Appraisal.state.in_(OPEN_STATES)]
    if appraisal_ids is not None:
        conditions.append(Appraisal.id.in_(list(appraisal_ids)))
    if only_unread:
        conditions.append(Appraisal.pulled_at.is_(None))
    rows = session.execute(
        select(Score.id, Score.appraisal_id, Appraisal.employee_id, Appraisal.prorata, Indicator.kind,
               Indicator.kpi_key, Indicator.team_total, Indicator.target, Indicator.rule, Indicator.cap, Indicator.bands,
               Indicator.weight, Score.self_rating, Score.superior_rating)
        .join(Appraisal, Appraisal.id == Score.appraisal_id).join(Indicator, Indicator.id == Score.indicator_id)
        .where(*conditions)).all()
    appraisal_rows = session.execute(select(Appraisal.id, Appraisal.employee_id, Appraisal.self_submitted_at,
                                            Appraisal.reviewed_at).where(*conditions)).all()
    if not appraisal_rows:
        return 0
    now = utcnow()
    kpis = available_kpis()
    teams = _teams(session) if any(r.team_total for r in rows if r.kind == "result") else {}
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if row.kind == "result" and row.kpi_key in kpis:
            wanted[row.kpi_key].update(teams.get(row.employee_id, {row.employee_id}) if row.team_total
                                       else {row.employee_id})
    # One compute call per KPI for everybody (team members included): set-based, whatever the headcount.
    values = {key: kpis[key].compute(sorted(users), period) for key, users in wanted.items()}

    updates = []
    per_appraisal: dict[int, dict[str, list]] = defaultdict(lambda: {"result": [], "self": [], "superior": []})
    for row in rows:
        parts = per_appraisal[row.appraisal_id]
        if row.kind != "result":
            parts["self"].append((row.weight, _rating(row.self_rating)))
            parts["superior"].append((row.weight, _rating(row.superior_rating)))
            continue
        kpi = kpis.get(row.kpi_key)
        value = target = score = source = read_at = None
        if kpi is not None:
            value = _value(values[row.kpi_key], kpi.unit, teams.get(row.employee_id, {row.employee_id})
                           if row.team_total else {row.employee_id})
            target = effective_target(row.target, kpi.unit, cycle.kind, row.prorata)
            score = result_score(row.rule or "linear", value, target, row.cap, row.bands)
            source, read_at = kpi.key, now
        updates.append({"b_id": row.id, "kpi_value": q(value) if value is not None else None,
                        "kpi_source": source, "kpi_read_at": read_at, "target": target, "result_score": score})
        for name in ("result", "self", "superior"):
            parts[name].append((row.weight, score))
    if updates:
        table = Score.__table__
        session.execute(update(table).where(table.c.id == bindparam("b_id")).values(
            kpi_value=bindparam("kpi_value"), kpi_source=bindparam("kpi_source"),
            kpi_read_at=bindparam("kpi_read_at"), target=bindparam("target"),
            result_score=bindparam("result_score")), updates)

    customers = customer_evaluations([r.employee_id for r in appraisal_rows], period)
    appraisal_updates = []
    for appraisal_id, employee_id, self_submitted, reviewed in appraisal_rows:
        parts = per_appraisal[appraisal_id]
        evaluation = (customers or {}).get(employee_id)
        appraisal_updates.append({
            "b_id": appraisal_id, "pulled_at": now,
            "result_score": weighted(parts["result"]),
            "customer_score": q(evaluation.average * RATING_POINTS) if evaluation else None,
            "customer_responses": evaluation.responses if evaluation else 0,
            # "off": no module answers customer_evaluations; "no_answers": nobody rated the person in the period.
            "customer_source": (evaluation.source or "customer_evaluations") if evaluation else
            ("off" if customers is None else "no_answers"),
            "customer_read_at": now,
            # Evaluations already given are recomputed with the new results; unsubmitted ones stay empty.
            "self_score": weighted(parts["self"]) if self_submitted else None,
            "superior_score": weighted(parts["superior"]) if reviewed else None,
        })
    table = Appraisal.__table__
    # Each read moves the version: someone holding the page from before the read is told to reload.
    session.execute(update(table).where(table.c.id == bindparam("b_id")).values(
        pulled_at=bindparam("pulled_at"), result_score=bindparam("result_score"),
        customer_score=bindparam("customer_score"), customer_responses=bindparam("customer_responses"),
        customer_source=bindparam("customer_source"), customer_read_at=bindparam("customer_read_at"),
        self_score=bindparam("self_score"), superior_score=bindparam("superior_score"),
        version=table.c.version + 1), appraisal_updates)
    if appraisal_ids is None and not only_unread:
        cycle.pulled_at = now
    elif appraisal_ids is None:
        cycle.pulled_at = cycle.pulled_at or now
    session.flush()  # before expiring: expiring drops changes not yet written
    session.expire_all()
    return len(appraisal_rows)


def _value(found: dict, unit: str, people: set[int]) -> Decimal | None:
    """The figure of a person, or of their team summed. Amounts and counts not reported are 0 (nothing sold);
    a rate not reported (no survey answered) is no figure at all, and its indicator's weight goes to the others."""
    if unit in AMOUNT_UNITS:
        return sum((Decimal(str(found.get(uid, 0) or 0)) for uid in people), Decimal("0"))
    if len(people) == 1:
        value = found.get(next(iter(people)))
        return None if value is None else Decimal(str(value))
    known = [Decimal(str(found[uid])) for uid in people if found.get(uid) is not None]
    return sum(known, Decimal("0")) / len(known) if known else None


def _teams(session: Any) -> dict[int, set[int]]:
    """{person: them and everyone below them} for every active person, from one query of the reporting lines."""
    lines = session.execute(select(User.id, User.superior_id).where(User.active.is_(True))).all()
    below: dict[int, list[int]] = defaultdict(list)
    for uid, superior in lines:
        if superior is not None and superior != uid:
            below[superior].append(uid)
    teams: dict[int, set[int]] = {}
    for uid, _superior in lines:
        seen, todo = {uid}, [uid]
        while todo:
            for child in below.get(todo.pop(), []):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        teams[uid] = seen
    return teams


def _rating(rating: int | None) -> Decimal | None:
    return Decimal(rating) * RATING_POINTS if rating is not None and 1 <= rating <= 5 else None

