"""Recognition (R8.1.3, R10): kudos from anyone to anyone; formal awards defined by HR with a KPI as criterion,
suggested from the KPIs when a month ends and confirmed (or rejected) by a manager — two managers deciding one
suggestion at once: exactly one wins; a leaderboard per KPI and team."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update

from core.contracts import Period
from core.identity.models import Grant, Role, User, user_roles
from core.identity.org import team_member_ids
from core.timeutil import local_today, month_period, utcnow
from plugins.team.models import Award, AwardType, Kudos
from plugins.team.services import TeamError, robots
from plugins.team.services.kpi_values import definitions, ranked

#: Who awards are suggested among: the sales positions of R2.
CANDIDATE_POSITIONS = ("sales_rep", "sales_supervisor", "sales_manager")
#: An award "measured by" this is suggested when an appraisal becomes final with an excellent score (R10, R8.1.3),
#: not from a KPI at the month's end; HR picks it like a KPI when defining the award.
APPRAISAL_KEY = "team.appraisal_result"
APPRAISAL_LABEL = _l("Excellent appraisal result (final score)")


def criteria() -> dict[str, str]:
    """What an award can be measured by: the enabled modules' KPIs, and an excellent appraisal result."""
    found = {key: str(kpi.label) for key, kpi in definitions().items()}
    found[APPRAISAL_KEY] = str(APPRAISAL_LABEL)
    return found


def give_kudos(session: Any, sender: Any, *, to_id: int | None, reason: str) -> Kudos:
    from core.notifications.service import notify

    recipient = session.get(User, to_id) if to_id else None
    if recipient is None or not recipient.active:
        raise TeamError(_l("Choose who you thank."), "to_id")
    if recipient.id == sender.id:
        raise TeamError(_l("Kudos go to someone else."), "to_id")
    if not (reason or "").strip():
        raise TeamError(_l("Say what you thank them for."), "reason")
    kudos = Kudos(from_id=sender.id, to_id=recipient.id, reason=reason.strip())
    session.add(kudos)
    session.flush()
    notify(recipient, _l("%(name)s thanks you: %(reason)s"), "/team/recognition", name=sender.name,
           reason=kudos.reason[:200])
    return kudos


# ---------------------------------------------------------------------------------------------------- award types


def define_award(session: Any, *, name: str, kpi_key: str, description: str | None = None, winners: int = 1,
                 min_value: Decimal | None = None, newcomer_days: int | None = None) -> AwardType:
    name = (name or "").strip()
    if not name:
        raise TeamError(_l("Name the award."), "name")
    if session.scalar(select(AwardType.id).where(AwardType.name == name)) is not None:
        raise TeamError(_l("An award of this name exists."), "name")
    if kpi_key not in definitions() and kpi_key != APPRAISAL_KEY:
        raise TeamError(_l("Choose a KPI of an enabled module."), "kpi_key")
    if not 1 <= (winners or 0) <= 10:
        raise TeamError(_l("From 1 to 10 people a month."), "winners")
    if newcomer_days is not None and newcomer_days < 1:
        raise TeamError(_l("A positive number of days, or empty."), "newcomer_days")
    award_type = AwardType(name=name, kpi_key=kpi_key, description=(description or "").strip() or None,
                           winners=winners, min_value=min_value, newcomer_days=newcomer_days)
    session.add(award_type)
    session.flush()
    return award_type


def previous_month(today: date | None = None) -> Period:
    first = (today or local_today()).replace(day=1)
    last_month = first - timedelta(days=1)
    return month_period(last_month.year, last_month.month)


def candidates(session: Any, award_type: AwardType, period: Period) -> list[int]:
    stmt = select(User.id).where(User.active, User.position.in_(CANDIDATE_POSITIONS))
    if award_type.newcomer_days:
        stmt = stmt.where(User.hire_date.is_not(None),
                          User.hire_date >= period.end - timedelta(days=award_type.newcomer_days))
    return list(session.scalars(stmt))


def suggest(session: Any, period: Period) -> list[Award]:
    """Suggest each active award's winners of ``period`` from its KPI (best first); idempotent."""
    made: list[Award] = []
    for award_type in session.scalars(select(AwardType).where(AwardType.active, AwardType.kpi_key != APPRAISAL_KEY)
                                      .order_by(AwardType.id)):
        if session.scalar(select(Award.id).where(Award.award_type_id == award_type.id,
                                                 Award.period_start == period.start).limit(1)) is not None:
            continue
        ranking = ranked(award_type.kpi_key, candidates(session, award_type, period), period)
        higher = definitions()[award_type.kpi_key].higher_is_better if award_type.kpi_key in definitions() else True
        if award_type.min_value is not None:
            ranking = [(uid, v) for uid, v in ranking
                       if (v >= award_type.min_value if higher else v <= award_type.min_value)]
        elif higher:  # nothing achieved is no reason for an award (no kudos, no revenue)
            ranking = [(uid, v) for uid, v in ranking if v > 0]
        for rank, (uid, value) in enumerate(ranking[:award_type.winners], start=1):
            award = Award(award_type_id=award_type.id, period_start=period.start, period_end=period.end,
                          user_id=uid, kpi_value=value.quantize(Decimal("0.01")), rank=rank)
            session.add(award)
            made.append(award)
    session.flush()
    if made:
        _tell_deciders(session, len(made))
    return made


def _tell_deciders(session: Any, count: int) -> None:
    from core.notifications.service import notify

    deciders = session.scalars(
        select(User).join(user_roles, user_roles.c.user_id == User.id).join(Role, Role.id == user_roles.c.role_id)
        .where(User.active, or_(Role.code == "admin", Role.grants.any(Grant.permission_code == "team.award.confirm")))
        .distinct().order_by(User.id).limit(50))
    for person in deciders:
        notify(person, _l("%(n)s award suggestions wait for your decision."), "/team/awards", n=count)


def decide(session: Any, award: Award, user: Any, confirm: bool) -> None:
    """Confirm or reject a suggestion. One conditional UPDATE: of two managers deciding at once, exactly one
    wins and the other is told."""
    from core.notifications.service import notify

    result = session.execute(
        update(Award).where(Award.id == award.id, Award.state == "suggested")
        .values(state="confirmed" if confirm else "rejected", decided_by_id=user.id, decided_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise TeamError(_l("Someone else decided this award meanwhile."))
    session.expire(award)
    if confirm:
        notify(award.user, _l("Congratulations: you received the award %(award)s."), "/profile",
               award=award.award_type.name)
        robots.queue(session, audience="all", department_id=None, team_leader_id=None,
                     title=str(_l("Award")) + ": " + award.award_type.name, text=award.user.name, sender=user)


def awards_of(session: Any, user_id: int, limit: int = 20) -> list[Award]:
    return list(session.scalars(select(Award).where(Award.user_id == user_id, Award.state == "confirmed")
                                .order_by(Award.period_start.desc()).limit(limit)).unique())


def kudos_count(session: Any, user_id: int) -> int:
    return session.scalar(select(func.count(Kudos.id)).where(Kudos.to_id == user_id)) or 0


def leaderboard(session: Any, kpi_key: str, leader_id: int | None, period: Period,
                limit: int = 20) -> list[tuple[User, Decimal]]:
    """The KPI's ranking among a team's active people (everyone's in sales without a leader)."""
    if leader_id:
        ids = sorted(team_member_ids(session, leader_id))
        people_stmt = select(User).where(User.id.in_(ids), User.active)
    else:
        people_stmt = select(User).where(User.active, User.position.in_(CANDIDATE_POSITIONS))
    people = {u.id: u for u in session.scalars(people_stmt)}
    return [(people[uid], value) for uid, value in ranked(kpi_key, list(people), period)[:limit]]


# ---------------------------------------------------------------------------------------------------- appraisals


def _score(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError):
        return None
    return number if number.is_finite() else None


def recognition_threshold() -> Decimal | None:
    """The final score (0-100) from which an appraisal suggests recognition; None when the company turned it off."""
    from core.settings import get_setting

    try:
        value = int(get_setting("team.appraisal_recognition_score") or 0)
    except (TypeError, ValueError):
        return None
    return Decimal(value) if value > 0 else None


def recognise_appraisal(session: Any, appraisal: Any) -> list[Award]:
    """An appraisal became final (the ``appraisal_finalized`` hook, R4.3.4). A top result leads to recognition
    (R10, R8.1.3): each active award "measured by" an excellent appraisal result gets the person as a suggestion
    for the month (the managers who confirm awards are told), and the person's superior is asked to recognise
    them. Reads only what core/hookspecs.py documents (``employee_id``, ``final_score``), defensively: anything
    missing or odd means nothing happens. The score itself is shown only to those who decide awards."""
    from core.notifications.service import notify

    threshold = recognition_threshold()
    user_id = getattr(appraisal, "employee_id", None)
    score = _score(getattr(appraisal, "final_score", None))
    if threshold is None or score is None or score < threshold:
        return []
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return []
    person = session.get(User, user_id)
    if person is None or not person.active:
        return []
    today = local_today()
    period = month_period(today.year, today.month)
    made: list[Award] = []
    for award_type in session.scalars(select(AwardType).where(AwardType.active, AwardType.kpi_key == APPRAISAL_KEY)
                                      .order_by(AwardType.id)):
        if award_type.min_value is not None and score < award_type.min_value:
            continue
        if session.scalar(select(Award.id).where(Award.award_type_id == award_type.id, Award.user_id == person.id,
                                                 Award.period_start == period.start)) is not None:
            continue  # an appeal that keeps the result final fires the hook again: one suggestion a month
        award = Award(award_type_id=award_type.id, period_start=period.start, period_end=period.end,
                      user_id=person.id, kpi_value=score.quantize(Decimal("0.01")), rank=1)
        session.add(award)
        made.append(award)
    session.flush()
    if made:
        _tell_deciders(session, len(made))
    superior = session.get(User, person.superior_id) if person.superior_id else None
    if superior is not None and superior.active:
        notify(superior, _l("%(name)s's appraisal result is excellent: recognise them with kudos or an award."),
               "/team/recognition", name=person.name)
    return made
