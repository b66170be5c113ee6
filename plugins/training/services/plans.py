"""Personal training plans (R3.2.3, R4.4.3): a supervisor builds one for a person (courses, coaching sessions,
goals, due dates); when an appraisal result is poor, a draft is proposed with the courses HR mapped to the weak
indicators, for the supervisor to confirm. Works by hand when the appraisal plugin is off."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core.identity.models import User
from core.timeutil import local_today, utcnow
from plugins.training.models import (
    PLAN_ITEM_KINDS,
    IndicatorCourse,
    TrainingCourse,
    TrainingPlan,
    TrainingPlanItem,
)
from plugins.training.services import TrainingError
from plugins.training.services.assignments import assign, existing

PLAN_DAYS = 60


def create_plan(session: Any, by: Any, person: User, *, title: str, goals: str | None = None,
                reason: str | None = None) -> TrainingPlan:
    """A plan built by hand is active at once: its author is the supervisor who would confirm it."""
    title = (title or "").strip()
    if not title:
        raise TrainingError(_l("A title is required."), "title")
    if len(title) > 200:
        raise TrainingError(_l("Use at most %(n)d characters.", n=200), "title")
    if not person.active:
        raise TrainingError(_l("This person is no longer active."), "user_id")
    plan = TrainingPlan(user_id=person.id, title=title, goals=(goals or "").strip() or None,
                        reason=(reason or "").strip() or None, state="active", source="manual",
                        created_by_id=by.id, confirmed_at=utcnow())
    session.add(plan)
    session.flush()
    return plan


def add_item(session: Any, plan: TrainingPlan, *, kind: str, by: Any = None, course_id: int | None = None,
             title: str | None = None, due_date: date | None = None) -> TrainingPlanItem:
    if plan.state in ("completed", "cancelled"):
        raise TrainingError(_l("This plan is closed."))
    if kind not in PLAN_ITEM_KINDS:
        raise TrainingError(_l("Choose what to add."), "kind")
    course = None
    if kind == "course":
        course = session.get(TrainingCourse, course_id) if course_id else None
        if course is None or course.archived:
            raise TrainingError(_l("Choose a course."), "course_id")
        title = course.title
    title = (title or "").strip()
    if not title:
        raise TrainingError(_l("Describe the coaching session or goal."), "title")
    if len(title) > 200:
        raise TrainingError(_l("Use at most %(n)d characters.", n=200), "title")
    if due_date is not None and due_date < local_today() - timedelta(days=1):
        raise TrainingError(_l("The due date has passed."), "due_date")
    item = TrainingPlanItem(plan_id=plan.id, kind=kind, course_id=course.id if course else None, title=title,
                            due_date=due_date)
    session.add(item)
    session.flush()
    if plan.state == "active" and course is not None:
        _assign_course(session, plan, item, by)
    return item


def _assign_course(session: Any, plan: TrainingPlan, item: TrainingPlanItem, by: Any) -> None:
    if item.course_id is None or existing(session, plan.user_id, item.course_id) is not None:
        return  # already on their list (onboarding, another plan): nothing new to assign
    assign(session, plan.user, item.course, by=by, source="plan", due_date=item.due_date)


def confirm(session: Any, plan: TrainingPlan, by: Any, expected_version: int | None = None) -> None:
    """The supervisor confirms a proposed draft: it becomes active and its courses are assigned. Of two
    confirmations at once, one wins and the other is told."""
    if expected_version is not None and plan.version != expected_version:
        raise TrainingError(_l("Someone changed this plan meanwhile; look at it again."))
    if plan.state != "draft":
        raise TrainingError(_l("Only a draft plan is confirmed."))
    plan.state, plan.confirmed_at = "active", utcnow()
    try:
        session.flush()
    except StaleDataError:
        raise TrainingError(_l("Someone changed this plan meanwhile; look at it again.")) from None
    for item in plan.items:
        _assign_course(session, plan, item, by)
    session.flush()


def set_state(session: Any, plan: TrainingPlan, state: str) -> None:
    if state not in ("completed", "cancelled"):
        raise TrainingError(_l("Choose complete or cancel."))
    if plan.state in ("completed", "cancelled"):
        raise TrainingError(_l("This plan is closed."))
    plan.state = state
    try:
        session.flush()
    except StaleDataError:
        raise TrainingError(_l("Someone changed this plan meanwhile; look at it again.")) from None


def set_item_done(session: Any, item: TrainingPlanItem, done: bool) -> None:
    if item.plan.state != "active":
        raise TrainingError(_l("Only an active plan's items are ticked."))
    item.done_at = utcnow() if done else None
    session.flush()


# ---------------------------------------------------------------------------------------------------- mapping


def set_mapping(session: Any, indicator: str, course_id: int | None) -> IndicatorCourse:
    indicator = (indicator or "").strip()
    if not indicator or len(indicator) > 100:
        raise TrainingError(_l("Choose a result indicator or type a behaviour indicator (at most 100 characters)."),
                            "kpi")
    course = session.get(TrainingCourse, course_id) if course_id else None
    if course is None or course.archived:
        raise TrainingError(_l("Choose a course."), "course_id")
    found = session.scalar(select(IndicatorCourse).where(IndicatorCourse.indicator == indicator,
                                                         IndicatorCourse.course_id == course.id))
    if found is not None:
        raise TrainingError(_l("This course is mapped to this indicator already."), "course_id")
    row = IndicatorCourse(indicator=indicator, course_id=course.id)
    session.add(row)
    session.flush()
    return row


def courses_for(session: Any, indicators: list[str]) -> dict[str, list[TrainingCourse]]:
    if not indicators:
        return {}
    found: dict[str, list[TrainingCourse]] = {}
    for row in session.scalars(select(IndicatorCourse).where(IndicatorCourse.indicator.in_(indicators))
                               .order_by(IndicatorCourse.id)):
        if not row.course.archived:
            found.setdefault(row.indicator, []).append(row.course)
    return found


# ---------------------------------------------------------------------------------------------------- appraisals


@dataclass
class AppraisalFacts:
    """What training reads of an appraisal (documented in core/hookspecs.py, appraisal_finalized)."""

    ref: str
    user_id: int
    score: Decimal | None
    indicators: dict[str, Decimal] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def read_appraisal(appraisal: Any) -> AppraisalFacts | None:
    """The person, final score (0-100) and indicator scores (0-100) of an appraisal, read defensively: the
    appraisal plugin owns that object and may grow, so anything missing or odd means "not known"."""
    user_id = getattr(appraisal, "employee_id", None) or getattr(appraisal, "user_id", None)
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    ref = getattr(appraisal, "id", None)
    facts = AppraisalFacts(ref=str(ref if ref is not None else ""), user_id=user_id,
                           score=_decimal(getattr(appraisal, "final_score", None)))
    try:
        for score in list(getattr(appraisal, "scores", None) or []):
            indicator = getattr(score, "indicator", None)
            key = getattr(indicator, "kpi_key", None) or getattr(indicator, "name", None)
            if not key:
                continue
            value = _decimal(getattr(score, "result_score", None))
            rating = _decimal(getattr(score, "superior_rating", None))
            if value is None and rating is not None:
                value = rating * 20  # behaviour indicators are rated 1 to 5
            if value is not None:
                facts.indicators[str(key)] = value
                facts.names[str(key)] = str(getattr(indicator, "name", None) or key)
    except (TypeError, AttributeError):
        pass  # an unexpected shape: the overall score still counts
    return facts


def thresholds() -> tuple[Decimal, Decimal]:
    from core.settings import get_setting

    return (Decimal(str(get_setting("training.plan_score_threshold"))),
            Decimal(str(get_setting("training.plan_indicator_threshold"))))


def propose_from_appraisal(session: Any, appraisal: Any) -> TrainingPlan | None:
    """A draft plan when the final score is under the threshold or an indicator is weak (R4.4.3), with the courses
    mapped to the weak indicators; once per appraisal. Returns the draft, or None."""
    facts = read_appraisal(appraisal)
    if facts is None:
        return None
    person = session.get(User, facts.user_id)
    if person is None or not person.active:
        return None
    if facts.ref and session.scalar(select(TrainingPlan.id).where(TrainingPlan.appraisal_ref == facts.ref)):
        return None
    score_limit, indicator_limit = thresholds()
    weak = sorted(key for key, value in facts.indicators.items() if value < indicator_limit)
    poor = facts.score is not None and facts.score < score_limit
    if not poor and not weak:
        return None
    mapped = courses_for(session, weak)
    pending = session.scalar(select(TrainingPlan).where(TrainingPlan.user_id == person.id,
                                                        TrainingPlan.state == "draft",
                                                        TrainingPlan.source == "appraisal"))
    if pending is not None:
        return _merge_into(session, pending, facts, poor, weak, mapped, score_limit)
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        plan = TrainingPlan(user_id=person.id, title=str(_l("Development plan for %(name)s", name=person.name)),
                            state="draft", source="appraisal", appraisal_ref=facts.ref or None,
                            reason=_reason(facts, poor, weak, score_limit))
    due = local_today() + timedelta(days=PLAN_DAYS)
    try:
        with session.begin_nested():
            session.add(plan)
            session.flush()
            seen: set[int] = set()
            for key in weak:
                for course in mapped.get(key, []):
                    if course.id not in seen:
                        seen.add(course.id)
                        session.add(TrainingPlanItem(plan_id=plan.id, kind="course", course_id=course.id,
                                                     title=course.title, due_date=due))
            session.flush()
    except IntegrityError:
        return None  # the same appraisal reported twice at once: the other call made the draft
    _tell_supervisor(person, plan)
    return plan


def _reason(facts: AppraisalFacts, poor: bool, weak: list[str], score_limit: Decimal) -> str:
    """Why the plan was proposed, in the company's language (it is stored: the plan is company data)."""
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        reasons = []
        if poor:
            reasons.append(str(_l("Appraisal result %(score)s, under %(limit)s.", score=facts.score,
                                  limit=score_limit)))
        if weak:
            reasons.append(str(_l("Weak indicators: %(names)s.", names=", ".join(facts.names[k] for k in weak))))
        return " ".join(reasons)


def _merge_into(session: Any, plan: TrainingPlan, facts: AppraisalFacts, poor: bool, weak: list[str],
                mapped: dict[str, list[TrainingCourse]], score_limit: Decimal) -> TrainingPlan:
    """A later poor appraisal while the last proposal still waits for the supervisor: one draft per person, with
    the new reasons and any newly mapped course added, rather than a pile of drafts."""
    if facts.ref and plan.appraisal_ref == facts.ref:
        return plan
    due = local_today() + timedelta(days=PLAN_DAYS)
    try:
        with session.begin_nested():  # confirmed meanwhile (version changed): leave it, the caller's work stays
            plan.reason = " ".join(part for part in (plan.reason, _reason(facts, poor, weak, score_limit)) if part)
            plan.appraisal_ref = facts.ref or plan.appraisal_ref
            have = {item.course_id for item in plan.items}
            for key in weak:
                for course in mapped.get(key, []):
                    if course.id not in have:
                        have.add(course.id)
                        session.add(TrainingPlanItem(plan_id=plan.id, kind="course", course_id=course.id,
                                                     title=course.title, due_date=due))
            session.flush()
    except (StaleDataError, IntegrityError):
        session.expire(plan)
    return plan


def _tell_supervisor(person: User, plan: TrainingPlan) -> None:
    from core.notifications.service import notify

    superior = person.superior
    if superior is not None and superior.active:
        notify(superior, _l("A training plan for %(name)s was proposed from their appraisal: confirm it."),
               f"/training/plans/{plan.id}", name=person.name)
