"""An application's way through the stages of R3.1.3 and R3.1.4. Each stage asks for what it produces before the
application may leave it; rejecting is possible at any stage and sends the candidate a polite e-mail through the
outbox; concurrent moves of one application resolve to exactly one (version column)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.timeutil import utcnow
from plugins.recruitment.models import (
    STAGES,
    Application,
    BackgroundCheck,
    Interview,
    Offer,
    Screening,
    StageChange,
    TestSession,
)
from plugins.recruitment.services import RecruitmentError

CONCURRENT = _l("Someone else changed this application meanwhile. Reload it and try again.")


def exit_problems(session: Any, application: Application) -> list[str]:
    """What the application's stage still lacks before it may move on (empty when it may)."""
    stage = application.stage
    if stage == "screening":
        latest = session.scalar(select(Screening.decision).where(Screening.application_id == application.id)
                                .order_by(Screening.id.desc()).limit(1))
        if latest != "pass":
            return [str(_l("Screen the résumé against the checklist first (pass)."))]
    elif stage == "test":
        passed = session.scalar(select(TestSession.id).where(TestSession.application_id == application.id,
                                                             TestSession.passed.is_(True)).limit(1))
        if passed is None:
            return [str(_l("The candidate needs a passed written test first."))]
    elif stage == "interview":
        latest = session.scalar(select(Interview).where(Interview.application_id == application.id)
                                .order_by(Interview.round.desc()).limit(1))
        if latest is None or latest.decision != "pass":
            return [str(_l("The latest interview round must be decided as passed first."))]
    elif stage == "background":
        from plugins.recruitment.services.checks import check_problems

        check = session.scalar(select(BackgroundCheck).where(BackgroundCheck.application_id == application.id))
        return check_problems(check)
    elif stage == "offer":
        accepted = session.scalar(select(Offer.id).where(Offer.application_id == application.id,
                                                         Offer.state == "accepted").limit(1))
        if accepted is None:
            return [str(_l("The candidate has not accepted an offer."))]
    return []


def _record(session: Any, application: Application, to_stage: str, user: Any, note: str | None) -> None:
    now = utcnow()
    seconds = max(0, int((now - application.stage_entered_at).total_seconds()))
    session.add(StageChange(application_id=application.id, from_stage=application.stage, to_stage=to_stage,
                            seconds_in_stage=seconds, note=note, user_id=getattr(user, "id", None), at=now))


def _flush(session: Any) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        session.rollback()
        raise RecruitmentError(CONCURRENT) from exc


def ensure_active(application: Application) -> None:
    if application.status != "active":
        raise RecruitmentError(_l("This application is closed."))


def advance(session: Any, application: Application, user: Any, *, expected_version: int | None = None,
            skip_test: bool = False, note: str | None = None) -> str:
    """Move to the next stage (the written test may be skipped when a requisition needs none). Returns it."""
    ensure_active(application)
    if expected_version is not None and application.version != expected_version:
        raise RecruitmentError(CONCURRENT)
    index = STAGES.index(application.stage)
    if application.stage == "hired" or STAGES[index + 1] == "hired":
        raise RecruitmentError(_l("Use “Hire” on the accepted offer to hire the candidate."))
    if skip_test and application.stage == "screening":
        problems = exit_problems(session, application)
        target = "interview"
    elif skip_test and application.stage == "test":
        problems, target = [], "interview"
    else:
        problems, target = exit_problems(session, application), STAGES[index + 1]
    if problems:
        raise RecruitmentError(" ".join(problems), "stage")
    move_to(session, application, target, user, note=note)
    return target


def move_to(session: Any, application: Application, target: str, user: Any, note: str | None = None) -> None:
    """Record the move and change the stage (the rules are the caller's)."""
    _record(session, application, target, user, note)
    application.stage = target
    application.stage_entered_at = utcnow()
    application.on_hold = False
    application.furthest = max(application.furthest, STAGES.index(target))
    if target == "background" and session.scalar(select(BackgroundCheck.id).where(
            BackgroundCheck.application_id == application.id)) is None:
        from plugins.recruitment.services.checks import open_check

        open_check(session, application)
    _flush(session)


def reject(session: Any, application: Application, user: Any, reason: str, *, notify: bool = True,
           expected_version: int | None = None) -> bool:
    """Close the application as rejected, with the reason (kept internal), and queue the polite e-mail.
    Returns True if an e-mail was queued."""
    ensure_active(application)
    if expected_version is not None and application.version != expected_version:
        raise RecruitmentError(CONCURRENT)
    if not (reason or "").strip():
        raise RecruitmentError(_l("Say why the application is rejected (kept internal)."), "reason")
    _record(session, application, application.stage, user, reason.strip())
    application.status = "rejected"
    application.reject_reason = reason.strip()
    application.closed_at = utcnow()
    _flush(session)
    if notify:
        from plugins.recruitment.services.emails import queue_rejection

        return queue_rejection(session, application)
    return False


def withdraw(session: Any, application: Application, user: Any, note: str | None = None) -> None:
    ensure_active(application)
    _record(session, application, application.stage, user, (note or "").strip() or None)
    application.status = "withdrawn"
    application.closed_at = utcnow()
    _flush(session)


def reopen(session: Any, application: Application, user: Any) -> None:
    """Undo a rejection or withdrawal made by mistake (the candidate was anonymised: no longer possible)."""
    if application.status not in ("rejected", "withdrawn"):
        raise RecruitmentError(_l("Only a rejected or withdrawn application can be reopened."))
    if application.candidate.anonymised_at is not None:
        raise RecruitmentError(_l("This candidate's data was erased; the application cannot be reopened."))
    application.status = "active"
    application.closed_at = None
    application.reject_reason = None
    _flush(session)
