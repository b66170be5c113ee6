"""Applicants' personal data (R11, PIPL): what we hold about a candidate on request, erasure on request, and the
retention job that anonymises rejected candidates after the retention period unless they joined the talent pool.
Statistics stay (stages, channels, dates); the person's data goes, including their files."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, select, update

from core.timeutil import utcnow
from plugins.recruitment.models import (
    Application,
    BackgroundCheck,
    Candidate,
    CheckItem,
    DataRequest,
    Interview,
    Scorecard,
    Screening,
    TestSession,
)
from plugins.recruitment.services import RecruitmentError

ANONYMOUS = "—"
BATCH = 500


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def access_report(session: Any, candidate: Candidate, user: Any) -> dict[str, Any]:
    """Everything held about the person, as JSON-ready data; the request is logged."""
    applications = session.scalars(select(Application).where(Application.candidate_id == candidate.id)).all()
    report = {
        "generated_at": utcnow().isoformat(),
        "candidate": {f: _plain(getattr(candidate, f)) for f in (
            "name", "phone", "email", "education", "current_employer", "consent_at", "talent_pool", "created_at")},
        "applications": [{
            "position": a.requisition.title, "applied_at": _plain(a.created_at), "channel": a.channel,
            "stage": a.stage, "status": a.status, "cover_letter": a.cover_letter,
        } for a in applications],
    }
    session.add(DataRequest(candidate_id=candidate.id, kind="access", user_id=user.id))
    session.flush()
    return report


def access_report_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)


def erase_candidate_fields(candidate: Candidate) -> None:
    candidate.name = ANONYMOUS
    candidate.phone = candidate.email = candidate.phone_key = candidate.email_key = None
    candidate.education = candidate.current_employer = candidate.notes = None
    candidate.talent_pool = False
    candidate.anonymised_at = utcnow()


def _delete_files(session: Any, attachment_ids: list[int]) -> None:
    """Remove the stored files (content-addressed: only when no other attachment shares the content)."""
    from core.attachments.models import Attachment

    if not attachment_ids:
        return
    rows = session.scalars(select(Attachment).where(Attachment.id.in_(attachment_ids))).all()
    root = Path(current_app.instance_path)
    for row in rows:
        shared = session.scalar(select(Attachment.id).where(Attachment.sha256 == row.sha256,
                                                            Attachment.id != row.id).limit(1))
        if shared is None:
            (root / row.storage_path).unlink(missing_ok=True)
        session.delete(row)


def anonymise(session: Any, candidate: Candidate, user: Any, kind: str, note: str | None = None) -> None:
    """Erase the person's data from the candidate and everything written about them (CV, cover letter, test
    answers, scorecard comments, check notes and evidence); stages, dates, channels and marks stay."""
    from core.attachments.models import Attachment

    if candidate.anonymised_at is not None:
        raise RecruitmentError(_l("This candidate's data was erased already."))
    if kind == "deletion" and not (note or "").strip():
        raise RecruitmentError(_l("Record the request (who asked and when)."), "note")
    app_ids = list(session.scalars(select(Application.id).where(Application.candidate_id == candidate.id)))
    if app_ids:
        session.execute(update(Application).where(Application.id.in_(app_ids))
                        .values(cover_letter=None, reject_reason=None, cv_attachment_id=None,
                                source_detail=None, version=Application.version + 1)
                        .execution_options(synchronize_session=False))
        session.execute(update(Screening).where(Screening.application_id.in_(app_ids)).values(reason=None)
                        .execution_options(synchronize_session=False))
        session.execute(update(TestSession).where(TestSession.application_id.in_(app_ids))
                        .values(answers={}, note=None, version=TestSession.version + 1)
                        .execution_options(synchronize_session=False))
        interview_ids = select(Interview.id).where(Interview.application_id.in_(app_ids))
        session.execute(update(Scorecard).where(Scorecard.interview_id.in_(interview_ids)).values(comments=None)
                        .execution_options(synchronize_session=False))
        check_ids = select(BackgroundCheck.id).where(BackgroundCheck.application_id.in_(app_ids))
        item_ids = list(session.scalars(select(CheckItem.id).where(CheckItem.check_id.in_(check_ids))))
        if item_ids:
            session.execute(update(CheckItem).where(CheckItem.id.in_(item_ids))
                            .values(note=None, description=None, evidence_attachment_id=None)
                            .execution_options(synchronize_session=False))
        files = list(session.scalars(select(Attachment.id).where(
            (and_(Attachment.record_type == "recruitment_application", Attachment.record_id.in_(app_ids)))
            | (and_(Attachment.record_type == "recruitment_check_item", Attachment.record_id.in_(item_ids or [0]))))))
        _delete_files(session, files)
    erase_candidate_fields(candidate)
    session.add(DataRequest(candidate_id=candidate.id, kind=kind, note=(note or "").strip() or None,
                            user_id=getattr(user, "id", None)))
    session.flush()
    session.expire_all()


def due_for_retention(session: Any, now: datetime | None = None, limit: int = BATCH) -> list[Candidate]:
    """Candidates not in the talent pool, not anonymised, with no application still open or hired, whose last
    application closed before the retention period."""
    from core.settings import get_setting

    days = int(get_setting("recruitment.retention_days"))
    horizon = (now or utcnow()) - timedelta(days=days)
    still_needed = exists().where(Application.candidate_id == Candidate.id,
                                  (Application.status.in_(("active", "hired"))) | (Application.closed_at >= horizon)
                                  | Application.closed_at.is_(None))
    has_application = exists().where(Application.candidate_id == Candidate.id)
    return list(session.scalars(select(Candidate).where(
        Candidate.anonymised_at.is_(None), Candidate.talent_pool.is_(False), has_application, ~still_needed)
        .order_by(Candidate.id).limit(limit)))


def run_retention(session: Any, now: datetime | None = None) -> int:
    """Anonymise the candidates past retention, a batch at a time. Returns how many."""
    count = 0
    for candidate in due_for_retention(session, now):
        anonymise(session, candidate, None, "retention")
        count += 1
    return count
