"""The appraisal's state machine (R4.3, R4.4) and who may move it.

self_assessment → superior_review → calibration → final → closed (acknowledged), or final → appealed → closed (HR
decides). HR may reopen a final result with a reason (back to the superior's review). Every transition names the
version the user saw: of two concurrent transitions of one appraisal exactly one wins, the other gets StaleError.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from core.security import can, is_admin
from core.timeutil import local_date, local_today, utcnow
from plugins.appraisal.models import Appraisal, Event, PersonRecord
from plugins.appraisal.permissions import CALIBRATE, HR, REVIEW
from plugins.appraisal.services import AppraisalError, StaleError, notices
from plugins.appraisal.services.scoring import ZERO, combine, grade_for, q, rating_score, weighted
from plugins.appraisal.settings import grade_thresholds, setting, weights

MAX_COMMENT = 4000


# ---------------------------------------------------------------------------------------------------- who may


def is_employee(user: Any, appraisal: Appraisal) -> bool:
    return user.id == appraisal.employee_id


def may_review(user: Any, appraisal: Appraisal) -> bool:
    """The superior of record; HR when there is none (R4.3.2). Never the appraised person."""
    if is_employee(user, appraisal):
        return False
    if appraisal.reviewer_id is not None:
        return appraisal.reviewer_id == user.id and can(user, REVIEW)
    return can(user, HR)


def may_calibrate(user: Any, appraisal: Appraisal) -> bool:
    return not is_employee(user, appraisal) and can(user, CALIBRATE, appraisal)


def may_hr(user: Any, appraisal: Appraisal | None = None) -> bool:
    return can(user, HR) and (appraisal is None or not is_employee(user, appraisal) or is_admin(user))


# ---------------------------------------------------------------------------------------------------- scores


def evaluation_score(appraisal: Appraisal, who: str) -> Decimal | None:
    """The self-assessment's or the superior's score: frozen result indicators plus that person's ratings."""
    parts = []
    for score in appraisal.scores:
        if score.indicator.kind == "result":
            parts.append((score.indicator.weight, score.result_score))
        else:
            parts.append((score.indicator.weight, rating_score(getattr(score, f"{who}_rating"))))
    return weighted(parts)


def final_parts(appraisal: Appraisal) -> tuple[Decimal | None, list[str]]:
    """The combined score of R4.3.4 and the sources left out (their weight went to the others)."""
    return combine({"self": appraisal.self_score, "superior": appraisal.superior_score,
                    "customer": appraisal.customer_score}, weights())


def _event(session: Any, appraisal: Appraisal, kind: str, user: Any, note: str | None = None) -> None:
    session.add(Event(appraisal_id=appraisal.id, kind=kind, note=note, user_id=getattr(user, "id", None),
                      at=utcnow()))


def _guard(appraisal: Appraisal, version: int | None, states: tuple[str, ...]) -> None:
    if version is not None and appraisal.version != version:
        raise StaleError(_("Someone else changed this appraisal meanwhile. Reload the page to see what changed."))
    if appraisal.state not in states:
        raise StaleError(_("This appraisal has moved on; reload the page to see where it is."))


def _flush(session: Any) -> None:
    """Write now: the version column makes the UPDATE conditional, so a concurrent winner shows here."""
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise StaleError(_("Someone else changed this appraisal meanwhile. Reload the page to see what changed.")) \
            from None


def _clean_comment(text: str | None, field: str, required: bool = False) -> str | None:
    text = (text or "").strip()
    if required and not text:
        raise AppraisalError(_("Please give a reason."), field)
    if len(text) > MAX_COMMENT:
        raise AppraisalError(_("At most %(n)s characters.", n=MAX_COMMENT), field)
    return text or None


def _apply_ratings(appraisal: Appraisal, who: str, ratings: dict[int, int | None]) -> None:
    missing = False
    for score in appraisal.scores:
        if score.indicator.kind != "behaviour":
            continue
        rating = ratings.get(score.indicator_id)
        if rating is None or not 1 <= rating <= 5:
            missing = True
            continue
        setattr(score, f"{who}_rating", rating)
    if missing:
        raise AppraisalError(_("Rate every behaviour indicator from 1 to 5."), "ratings")


# ---------------------------------------------------------------------------------------------------- transitions


def submit_self(session: Any, appraisal: Appraisal, user: Any, ratings: dict[int, int | None],
                comment: str | None, version: int | None) -> None:
    """The employee's self-assessment (R4.3.1)."""
    if not is_employee(user, appraisal):
        raise AppraisalError(_("Only the appraised person fills in the self-assessment."))
    _guard(appraisal, version, ("self_assessment",))
    appraisal.self_comment = _clean_comment(comment, "comment")
    _apply_ratings(appraisal, "self", ratings)
    appraisal.self_score = evaluation_score(appraisal, "self")
    appraisal.self_submitted_at = utcnow()
    appraisal.state = "superior_review"
    _event(session, appraisal, "self_submitted", user)
    _flush(session)
    notices.tell(notices.reviewers(session, appraisal), notices.SELF_DONE, appraisal, name=user.name)


def self_assessment_closed(appraisal: Appraisal) -> bool:
    """After the due date the superior may evaluate without a self-assessment (its weight goes to the others)."""
    return local_today() > appraisal.due_on


def submit_review(session: Any, appraisal: Appraisal, user: Any, ratings: dict[int, int | None],
                  comment: str | None, version: int | None) -> None:
    """The superior's evaluation (R4.3.2); HR's when the person has no superior."""
    if not may_review(user, appraisal):
        raise AppraisalError(_("Only the person's superior (or HR when there is none) evaluates them."))
    states = ("superior_review", "self_assessment") if self_assessment_closed(appraisal) else ("superior_review",)
    if appraisal.state == "self_assessment" and not self_assessment_closed(appraisal):
        raise AppraisalError(_("The self-assessment is still open until %(day)s.", day=appraisal.due_on.isoformat()))
    _guard(appraisal, version, states)
    appraisal.superior_comment = _clean_comment(comment, "comment")
    _apply_ratings(appraisal, "superior", ratings)
    appraisal.superior_score = evaluation_score(appraisal, "superior")
    appraisal.reviewed_at = utcnow()
    appraisal.reviewed_by_id = user.id
    appraisal.state = "calibration"
    _provisional(appraisal)
    _event(session, appraisal, "reviewed", user)
    _flush(session)


def _provisional(appraisal: Appraisal) -> None:
    final, missing = final_parts(appraisal)
    appraisal.final_score = final
    appraisal.missing_sources = ",".join(missing) or None
    appraisal.grade = grade_for(final, grade_thresholds())


def finalize(session: Any, appraisal: Appraisal, user: Any, version: int | None, adjusted: Decimal | None = None,
             note: str | None = None) -> None:
    """Make the result final after calibration (R4.3.4): the manager may adjust the score, with a note. Fires
    ``appraisal_finalized`` and records recognition or a warning on the person (R10)."""
    if not may_calibrate(user, appraisal):
        raise AppraisalError(_("You may not finalise this appraisal."))
    _guard(appraisal, version, ("calibration",))
    _provisional(appraisal)
    if adjusted is not None:
        if not adjusted.is_finite() or not ZERO <= adjusted <= Decimal("150"):
            raise AppraisalError(_("A score between 0 and 150."), "score")
        if adjusted != appraisal.final_score:
            appraisal.calibration_note = _clean_comment(note, "note", required=True)
            appraisal.final_score = q(adjusted)
            appraisal.grade = grade_for(appraisal.final_score, grade_thresholds())
    if appraisal.final_score is None:
        raise AppraisalError(_("There is nothing to score yet: no evaluation has been given."))
    appraisal.state = "final"
    appraisal.finalized_at = utcnow()
    appraisal.finalized_by_id = user.id
    _event(session, appraisal, "finalized", user, appraisal.calibration_note)
    _flush(session)
    _after_final(session, appraisal)


def _after_final(session: Any, appraisal: Appraisal) -> None:
    _record_on_person(session, appraisal)
    session.flush()
    # "2026-11" (or "2026"): the same in every language, as the notification is read in the reader's.
    period = f"{appraisal.period_start:%Y}" if appraisal.kind == "annual" else f"{appraisal.period_start:%Y-%m}"
    notices.tell([appraisal.employee], notices.FINAL, appraisal, period=period)
    current_app.extensions["netsales"].call("appraisal_finalized", appraisal=appraisal)


def _record_on_person(session: Any, appraisal: Appraisal) -> None:
    """R10: recognition for an excellent result, a warning for an unsatisfactory one (once per appraisal)."""
    from sqlalchemy import delete

    session.execute(delete(PersonRecord).where(PersonRecord.appraisal_id == appraisal.id))
    kind = {"excellent": "recognition", "fail": "warning"}.get(appraisal.grade or "")
    if kind:
        session.add(PersonRecord(user_id=appraisal.employee_id, appraisal_id=appraisal.id, kind=kind))


def appeal_deadline(appraisal: Appraisal) -> Any:
    if appraisal.finalized_at is None:
        return None
    return local_date(appraisal.finalized_at) + timedelta(days=int(setting("appeal_days")))


def acknowledge(session: Any, appraisal: Appraisal, user: Any, version: int | None) -> None:
    if not is_employee(user, appraisal):
        raise AppraisalError(_("Only the appraised person acknowledges the result."))
    _guard(appraisal, version, ("final",))
    appraisal.state = "closed"
    appraisal.acknowledged_at = utcnow()
    _event(session, appraisal, "acknowledged", user)
    _flush(session)


def appeal(session: Any, appraisal: Appraisal, user: Any, reason: str | None, version: int | None) -> None:
    """The employee contests the result with a reason, within the appeal period."""
    if not is_employee(user, appraisal):
        raise AppraisalError(_("Only the appraised person may appeal."))
    _guard(appraisal, version, ("final",))
    deadline = appeal_deadline(appraisal)
    if deadline is not None and local_today() > deadline:
        raise AppraisalError(_("The appeal period ended on %(day)s.", day=deadline.isoformat()), "reason")
    appraisal.appeal_reason = _clean_comment(reason, "reason", required=True)
    appraisal.appealed_at = utcnow()
    appraisal.state = "appealed"
    _event(session, appraisal, "appealed", user, appraisal.appeal_reason)
    _flush(session)
    notices.tell(notices.hr_people(session), notices.APPEALED, appraisal, name=user.name)


def decide_appeal(session: Any, appraisal: Appraisal, user: Any, decision: str | None, new_score: Decimal | None,
                  version: int | None) -> None:
    """HR decides: keep the result, or change the score (a changed result is final again and fires the hook)."""
    if not may_hr(user, appraisal):
        raise AppraisalError(_("Only HR decides appeals."))
    _guard(appraisal, version, ("appealed",))
    appraisal.appeal_decision = _clean_comment(decision, "decision", required=True)
    appraisal.appeal_decided_by_id = user.id
    changed = new_score is not None and new_score != appraisal.final_score
    if changed:
        if not new_score.is_finite() or not ZERO <= new_score <= Decimal("150"):
            raise AppraisalError(_("A score between 0 and 150."), "score")
        appraisal.final_score = q(new_score)
        appraisal.grade = grade_for(appraisal.final_score, grade_thresholds())
    appraisal.state = "closed"
    _event(session, appraisal, "appeal_upheld" if changed else "appeal_rejected", user, appraisal.appeal_decision)
    _flush(session)
    if changed:
        _after_final(session, appraisal)
    else:
        notices.tell([appraisal.employee], notices.DECIDED, appraisal)


def reopen(session: Any, appraisal: Appraisal, user: Any, reason: str | None, version: int | None) -> None:
    """HR reopens a final result, with a reason (audited and on the timeline): back to the superior's review."""
    if not may_hr(user, appraisal):
        raise AppraisalError(_("Only HR reopens a final appraisal."))
    _guard(appraisal, version, ("final", "appealed", "closed"))
    note = _clean_comment(reason, "reason", required=True)
    appraisal.state = "superior_review"
    appraisal.finalized_at = appraisal.finalized_by_id = appraisal.acknowledged_at = None
    appraisal.final_score = appraisal.grade = None
    appraisal.calibration_note = None
    _event(session, appraisal, "reopened", user, note)
    _flush(session)
    notices.tell(notices.reviewers(session, appraisal), notices.REOPENED, appraisal, name=appraisal.employee.name)
    from sqlalchemy import delete

    session.execute(delete(PersonRecord).where(PersonRecord.appraisal_id == appraisal.id))


def repull(session: Any, appraisal: Appraisal, user: Any, reason: str | None, version: int | None) -> None:
    """HR reads the results again before the close (a corrected order, a late survey), with a reason."""
    from plugins.appraisal.services.pulling import pull_cycle

    if not may_hr(user, appraisal):
        raise AppraisalError(_("Only HR reads results again."))
    _guard(appraisal, version, ("self_assessment", "superior_review", "calibration"))
    note = _clean_comment(reason, "reason", required=True)
    appraisal_id, cycle = appraisal.id, appraisal.cycle
    _event(session, appraisal, "repulled", user, note)
    session.flush()
    pull_cycle(session, cycle, appraisal_ids=[appraisal_id])
    fresh = session.get(Appraisal, appraisal_id)
    if fresh.state == "calibration":
        _provisional(fresh)
        _flush(session)
