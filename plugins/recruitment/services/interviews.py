"""Interviews (R3.1.3): rounds with assigned interviewers; each fills a scorecard from the requisition's standards
(1-5 with comments); the round is decided only when every scorecard is in. An interviewer who referred the
candidate is flagged as a conflict of interest. Interviewers see only the candidates they interview."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.orm.exc import StaleDataError

from core.identity.models import User
from core.timeutil import utcnow
from plugins.recruitment.models import Application, Interview, Scorecard
from plugins.recruitment.services import RecruitmentError
from plugins.recruitment.services.stages import advance, ensure_active, reject

MARKS = range(1, 6)


def schedule(session: Any, application: Application, user: Any, interviewer_ids: list[int],
             scheduled_at: datetime | None, location: str | None = None) -> Interview:
    """A new round (the previous one must be decided and passed)."""
    ensure_active(application)
    if application.stage != "interview":
        raise RecruitmentError(_l("The application is not at the interviews."))
    ids = sorted(set(interviewer_ids or []))
    if not ids:
        raise RecruitmentError(_l("Assign at least one interviewer."), "interviewer_ids")
    people = session.scalars(select(User).where(User.id.in_(ids), User.active)).all()
    if len(people) != len(ids):
        raise RecruitmentError(_l("Choose active people as interviewers."), "interviewer_ids")
    last = session.scalar(select(Interview).where(Interview.application_id == application.id)
                          .order_by(Interview.round.desc()).limit(1))
    if last is not None and last.decision is None:
        raise RecruitmentError(_l("Decide round %(n)d before scheduling another.", n=last.round))
    interview = Interview(application_id=application.id, round=(last.round + 1) if last else 1,
                          scheduled_at=scheduled_at, location=(location or "").strip()[:200] or None)
    session.add(interview)
    session.flush()
    from core.notifications import notify

    for person in people:
        session.add(Scorecard(interview_id=interview.id, interviewer_id=person.id,
                              conflict=application.referrer_id == person.id))
        notify(person, _l("You interview %(name)s for %(title)s (round %(n)d): your scorecard waits."),
               url=f"/recruitment/interviews/{interview.id}", name=application.candidate.name,
               title=application.requisition.title, n=interview.round)
    session.flush()
    return interview


def scorecard_for(session: Any, interview: Interview, user: Any) -> Scorecard | None:
    return session.scalar(select(Scorecard).where(Scorecard.interview_id == interview.id,
                                                  Scorecard.interviewer_id == user.id))


def submit_scorecard(session: Any, interview: Interview, user: Any, scores: dict[int, Any], overall: Any,
                     recommendation: str, comments: str | None) -> Scorecard:
    card = scorecard_for(session, interview, user)
    if card is None:
        raise RecruitmentError(_l("You are not an interviewer of this round."))
    if interview.decision is not None:
        raise RecruitmentError(_l("This round is decided; scorecards can no longer change."))
    application = session.get(Application, interview.application_id)
    clean: dict[str, int] = {}
    for requirement in application.requisition.requirements:
        mark = scores.get(requirement.id)
        if mark not in MARKS:
            raise RecruitmentError(_l("Give every standard a mark from 1 to 5."), f"r{requirement.id}")
        clean[str(requirement.id)] = int(mark)
    if overall not in MARKS:
        raise RecruitmentError(_l("Give an overall mark from 1 to 5."), "overall")
    if recommendation not in ("pass", "reject"):
        raise RecruitmentError(_l("Recommend pass or reject."), "recommendation")
    if not (comments or "").strip():
        raise RecruitmentError(_l("Write a few words to explain your marks."), "comments")
    card.scores = clean
    card.overall = int(overall)
    card.recommendation = recommendation
    card.comments = comments.strip()  # type: ignore[union-attr]
    card.submitted_at = utcnow()
    session.flush()
    return card


def missing_scorecards(interview: Interview) -> list[Scorecard]:
    return [card for card in interview.scorecards if card.submitted_at is None]


def decide(session: Any, interview: Interview, user: Any, decision: str, reason: str | None = None) -> None:
    """Decide the round once every scorecard is in: pass moves on to the background check, reject closes the
    application (with the polite e-mail)."""
    if interview.decision is not None:
        raise RecruitmentError(_l("This round is decided already."))
    missing = missing_scorecards(interview)
    if missing:
        raise RecruitmentError(_l("Waiting for the scorecards of %(names)s.",
                                  names=", ".join(card.interviewer.name for card in missing)))
    if decision not in ("pass", "reject"):
        raise RecruitmentError(_l("Choose pass or reject."), "decision")
    application = session.get(Application, interview.application_id)
    ensure_active(application)
    interview.decision = decision
    interview.decided_by_id = user.id
    interview.decided_at = utcnow()
    try:
        session.flush()
    except StaleDataError as exc:
        session.rollback()
        raise RecruitmentError(_l("Someone else decided this round meanwhile.")) from exc
    if decision == "reject":
        reject(session, application, user, reason or str(_l("Interview round %(n)d", n=interview.round)))


def to_background_check(session: Any, application: Application, user: Any) -> str:
    return advance(session, application, user)


def interviewer_of(session: Any, user: Any, application_id: int) -> bool:
    """True if ``user`` interviews (or interviewed) the application: what lets an interviewer see it."""
    return bool(session.scalar(select(exists().where(
        Scorecard.interviewer_id == user.id, Scorecard.interview_id == Interview.id,
        Interview.application_id == application_id))))


def my_interviews_statement(user: Any) -> Any:
    """(round, the user's scorecard, application) for every round ``user`` interviews at: what they may see."""
    return (select(Interview, Scorecard, Application)
            .join(Scorecard, Scorecard.interview_id == Interview.id)
            .join(Application, Application.id == Interview.application_id)
            .where(Scorecard.interviewer_id == user.id))


def my_interviews(session: Any, user: Any, *, limit: int = 100) -> list[tuple[Interview, Scorecard, Application]]:
    """The rounds ``user`` interviews at, scorecards to fill first (one query)."""
    rows = session.execute(my_interviews_statement(user).order_by(
        Scorecard.submitted_at.is_not(None), Interview.scheduled_at.desc(), Interview.id.desc()).limit(limit)).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def pending_count(session: Any, user: Any) -> int:
    return int(session.scalar(select(func.count(Scorecard.id)).join(Interview, Interview.id == Scorecard.interview_id)
                              .where(Scorecard.interviewer_id == user.id, Scorecard.submitted_at.is_(None),
                                     Interview.decision.is_(None))) or 0)
