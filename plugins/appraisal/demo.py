"""Demo data: templates for the three sales positions, three closed monthly cycles and one open one, so that the
demo shows real history, an overdue self-assessment (rep1's), a promotion candidate and a demotion candidate.

Results are read from the other modules' demo data through register_kpis, as in real use; the targets are set from
what the demo team actually sells, so that the grades spread."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from random import Random
from typing import Any

from sqlalchemy import select

from core.contracts import Period
from core.identity.models import User
from core.timeutil import local_to_utc, local_today
from plugins.appraisal.models import Appraisal, Cycle, Event
from plugins.appraisal.services import AppraisalError
from plugins.appraisal.services import appraisals as flow
from plugins.appraisal.services.cycles import due_date, monthly_period, open_cycle
from plugins.appraisal.services.pulling import pull_cycle
from plugins.appraisal.services.sources import available_kpis
from plugins.appraisal.services.templates import IndicatorInput, save_template

ANCHORS = {
    "工作态度": "经常迟到早退，推诿工作\n偶有懈怠，需要督促\n按要求完成本职工作\n积极主动，乐于承担\n敬业负责，是团队的榜样",
    "团队协作": "不配合同事，影响团队\n配合度一般\n能与同事正常协作\n主动分享经验，帮助同事\n带动团队，协作成效突出",
    "沟通能力": "表达不清，常有误解\n沟通被动\n能清楚表达与倾听\n沟通高效，客户认可\n善于说服，化解冲突",
    "执行力": "任务经常拖延或未完成\n需要多次跟进\n按时完成任务\n提前完成，质量高\n攻坚克难，结果超出预期",
}


def _month_before(day: date, months: int) -> date:
    for _i in range(months):
        day = (day.replace(day=1) - timedelta(days=1)).replace(day=1)
    return day


def _median(values: list[Decimal], fallback: Decimal) -> Decimal:
    values = sorted(v for v in values if v > 0)
    return values[len(values) // 2] if values else fallback


def _targets(session: Any, people: dict[int, User], months: list[Period]) -> dict[tuple[str, str], Decimal]:
    """Monthly targets per (position, KPI) at what the median person (or team) of that position
    achieves, so that some exceed them and some fall short."""
    from plugins.appraisal.services.pulling import _teams

    kpis = available_kpis()
    teams = _teams(session)
    found: dict[tuple[str, str], Decimal] = {}
    for key, fallback in (("pipeline.revenue", Decimal("50000")), ("pipeline.profit", Decimal("15000")),
                          ("crm.new_customers", Decimal("2"))):
        if key not in kpis:
            continue
        figures = [kpis[key].compute(sorted(people), period) for period in months]
        for position in ("sales_rep", "sales_supervisor", "sales_manager"):
            members = [u for u in people.values() if u.position == position]
            totals = [sum((Decimal(str(f.get(m, 0) or 0)) for m in (teams.get(u.id, {u.id}) if position != "sales_rep"
                                                                      else {u.id})), Decimal(0))
                      for f in figures for u in members]
            target = _median(totals, fallback).quantize(Decimal("1"))
            found[(position, key)] = max(target, Decimal("1"))
    return found


def _templates(session: Any, hr: User, targets: dict[tuple[str, str], Decimal]) -> None:
    kpis = available_kpis()
    plans = {
        "sales_rep": ("销售代表月度考核", [("pipeline.revenue", "销售额", "35", "linear", False),
                                       ("pipeline.profit", "销售利润", "15", "linear", False),
                                       ("crm.new_customers", "新客户开发数量", "10", "bands", False),
                                       ("crm.satisfaction", "客户满意度", "10", "linear", False)]),
        "sales_supervisor": ("销售主管月度考核", [("pipeline.revenue", "团队销售额", "30", "linear", True),
                                              ("pipeline.profit", "团队销售利润", "20", "linear", True),
                                              ("crm.satisfaction", "客户满意度", "10", "linear", False)]),
        "sales_manager": ("销售经理月度考核", [("pipeline.revenue", "部门销售额", "40", "linear", True),
                                            ("pipeline.profit", "部门销售利润", "20", "linear", True)]),
    }
    for position, (name, results) in plans.items():
        rows: list[IndicatorInput] = []
        for key, label, weight, rule, team in results:
            if key not in kpis:
                continue
            target = Decimal("4.5") if key == "crm.satisfaction" else targets.get((position, key), Decimal("1"))
            rows.append(IndicatorInput("result", label, Decimal(weight), kpi_key=key, team_total=team, target=target,
                                       rule=rule, cap=Decimal("120") if rule == "linear" else None,
                                       bands="150:120, 100:100, 50:60, 0:0" if rule == "bands" else None))
        behaviour_weight = Decimal(100) - sum((r.weight for r in rows), Decimal(0))
        names = list(ANCHORS)
        share = (behaviour_weight / len(names)).quantize(Decimal("0.01"))
        for i, label in enumerate(names):
            weight = share if i < len(names) - 1 else behaviour_weight - share * (len(names) - 1)
            rows.append(IndicatorInput("behaviour", label, weight, anchors=ANCHORS[label]))
        save_template(session, hr, position, name, rows, kpis, note="演示模板")


def _at(day: date, rng: Random) -> datetime:
    return local_to_utc(datetime.combine(day, time(rng.randint(9, 18), rng.randint(0, 59))))


def _play(session: Any, appraisal: Appraisal, rng: Random, people: dict[int, User], hr: User, how: str) -> None:
    """Walk one appraisal through its steps with ratings that fit ``how`` (good, poor, usual), then date them."""
    ratings = {"good": (5, 5), "poor": (1, 2), "usual": (3, 5)}[how]
    behaviour = [s.indicator_id for s in appraisal.scores if s.indicator.kind == "behaviour"]
    employee = people[appraisal.employee_id]
    reviewer = people.get(appraisal.reviewer_id) if appraisal.reviewer_id else hr
    flow.submit_self(session, appraisal, employee, {i: rng.randint(max(ratings[0], 3), 5) for i in behaviour},
                     rng.choice(["本月完成了主要任务，客户跟进及时。", "新客户开发还需加强。", "积极配合团队，按时回访。"]),
                     appraisal.version)
    if reviewer is None:
        return
    flow.submit_review(session, appraisal, reviewer, {i: rng.randint(*ratings) for i in behaviour},
                       {"good": "业绩突出，值得表扬。", "poor": "业绩未达标，需制定改进计划。",
                        "usual": "表现稳定，继续保持。"}[how], appraisal.version)


def _finish(session: Any, appraisal: Appraisal, manager: User, how: str, rng: Random, late: bool) -> None:
    adjusted, note = None, None
    if how == "good" and (appraisal.final_score or 0) < 92:
        adjusted, note = Decimal(rng.randint(92, 97)), "横向比较后上调：本月业绩在团队中最好。"
    elif how == "poor" and (appraisal.final_score or 100) >= 60:
        adjusted, note = Decimal(rng.randint(45, 58)), "横向比较后下调：连续未达成目标。"
    flow.finalize(session, appraisal, manager, appraisal.version, adjusted, note)
    due = appraisal.due_on
    finalized = due + timedelta(days=rng.randint(1, 4)) if late else due - timedelta(days=rng.randint(0, 4))
    moments = {"self_submitted": _at(finalized - timedelta(days=rng.randint(4, 6)), rng),
               "reviewed": _at(finalized - timedelta(days=rng.randint(1, 3)), rng),
               "finalized": _at(finalized, rng)}
    appraisal.self_submitted_at = moments["self_submitted"]
    appraisal.reviewed_at = moments["reviewed"]
    appraisal.finalized_at = moments["finalized"]
    if rng.random() < 0.85:
        flow.acknowledge(session, appraisal, session.get(User, appraisal.employee_id), appraisal.version)
        appraisal.acknowledged_at = moments["acknowledged"] = _at(finalized + timedelta(days=1), rng)
    for event in session.scalars(select(Event).where(Event.appraisal_id == appraisal.id)):
        event.at = moments.get(event.kind, event.at)
    session.flush()


def load(session: Any, rng: Random) -> None:
    people = {u.id: u for u in session.scalars(select(User).where(User.active.is_(True)))}
    by_login = {u.login: u for u in people.values()}
    hr, manager, head = by_login.get("hr"), by_login.get("manager"), by_login.get("head")
    if hr is None or manager is None:
        return  # not the demo company
    today = local_today()
    # The open cycle: the latest month whose due day has passed, so that rep1's self-assessment is overdue.
    open_start = _month_before(today, 1)
    if today <= due_date("monthly", monthly_period(today)):
        open_start = _month_before(today, 2)
    closed_starts = [_month_before(open_start, n) for n in (3, 2, 1)]
    periods = [Period(start, (start.replace(day=28) + timedelta(days=7)).replace(day=1))
               for start in closed_starts + [open_start]]
    reps = sorted(u.id for u in people.values() if u.position == "sales_rep")
    _templates(session, hr, _targets(session, people, periods[:3]))
    session.flush()
    # Among the representatives employed through the whole history (other modules' demos hire people later):
    veterans = sorted(uid for uid in reps if people[uid].hire_date is None
                      or people[uid].hire_date <= periods[0].start)
    stars = veterans[1:2]  # a promotion candidate: excellent three months running (R4.4.2)
    strugglers = veterans[-1:]  # a demotion or transfer candidate: unsatisfactory twice running
    for n, period in enumerate(periods):
        opening = open_cycle(session, "monthly", period)
        cycle = session.get(Cycle, opening.cycle_id)
        cycle.opened_at = local_to_utc(datetime.combine(period.end, time(0, 5)))
        pull_cycle(session, cycle)
        session.flush()
        is_open = n == len(periods) - 1
        appraisals = list(session.scalars(select(Appraisal).where(Appraisal.cycle_id == cycle.id)
                                          .order_by(Appraisal.id)))
        for appraisal in appraisals:
            employee = people[appraisal.employee_id]
            how = "good" if appraisal.employee_id in stars else \
                "poor" if appraisal.employee_id in strugglers and n >= 1 else "usual"
            try:
                if is_open:
                    if employee.login == "rep1":
                        continue  # overdue self-assessment
                    if rng.random() < 0.3:
                        flow.submit_self(session, appraisal, employee,
                                         {s.indicator_id: rng.randint(3, 5) for s in appraisal.scores
                                          if s.indicator.kind == "behaviour"}, None, appraisal.version)
                        continue  # waiting for the superior
                    _play(session, appraisal, rng, people, hr, how)
                    continue
                _play(session, appraisal, rng, people, hr, how)
                finaliser = head if employee.id == manager.id and head is not None else manager
                _finish(session, appraisal, finaliser, how, rng, late=rng.random() < 0.1)
            except AppraisalError:
                continue  # e.g. a template of results only for someone without a superior: leave it open
        session.flush()
