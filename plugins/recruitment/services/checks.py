"""The background check of R3.1.4: education, work history and credit record, each verified, found discrepant or
not verifiable, with evidence attached; the candidate's consent recorded first. No offer until the check is
complete, unless HR waives an item with a reason (the waiver is audited like every change)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.timeutil import utcnow
from plugins.recruitment.models import CHECK_KINDS, Application, BackgroundCheck, CheckItem
from plugins.recruitment.services import RecruitmentError

#: What every check verifies (R3.1.4); HR may add more items.
DEFAULT_ITEMS = ("education", "work", "credit")
RESULTS = ("verified", "discrepancy", "not_verifiable")


def open_check(session: Any, application: Application) -> BackgroundCheck:
    check = BackgroundCheck(application_id=application.id,
                            items=[CheckItem(kind=kind) for kind in DEFAULT_ITEMS])
    session.add(check)
    session.flush()
    return check


def check_of(session: Any, application: Application) -> BackgroundCheck | None:
    return session.scalar(select(BackgroundCheck).where(BackgroundCheck.application_id == application.id))


def record_consent(session: Any, check: BackgroundCheck, note: str | None) -> None:
    if check.consent_at is not None:
        raise RecruitmentError(_l("Consent is recorded already."))
    if not (note or "").strip():
        raise RecruitmentError(_l("Say how the candidate consented (signed form, e-mail...)."), "consent_note")
    check.consent_at = utcnow()
    check.consent_note = note.strip()[:300]  # type: ignore[union-attr]
    session.flush()


def add_item(session: Any, check: BackgroundCheck, kind: str, description: str | None) -> CheckItem:
    if kind not in CHECK_KINDS:
        raise RecruitmentError(_l("Choose what is checked."), "kind")
    if check.completed_at is not None:
        raise RecruitmentError(_l("This check is complete."))
    item = CheckItem(check_id=check.id, kind=kind, description=(description or "").strip()[:300] or None)
    session.add(item)
    session.flush()
    session.refresh(check)
    return item


def record_result(session: Any, check: BackgroundCheck, item: CheckItem, user: Any, result: str,
                  note: str | None, evidence: Any = None) -> None:
    """Record an item's result; a discrepancy or an unverifiable item needs a note, a verified one evidence
    (a file, stored through the core attachments with their size and type limits) or a note saying how."""
    from core.attachments.services import AttachmentError, attach

    if check.consent_at is None:
        raise RecruitmentError(_l("Record the candidate's consent before checking."), "result")
    if result not in RESULTS:
        raise RecruitmentError(_l("Choose a result."), "result")
    has_file = evidence is not None and getattr(evidence, "filename", "")
    if not has_file and not (note or "").strip():
        raise RecruitmentError(_l("Attach the evidence or say how it was verified."), "note")
    if has_file:
        try:
            attachment = attach(item, evidence, user)
        except AttachmentError as exc:
            raise RecruitmentError(str(exc), "evidence") from exc
        item.evidence_attachment_id = attachment.id
    item.result = result
    item.note = (note or "").strip() or None
    item.waive_reason = None
    item.decided_by_id = user.id
    item.decided_at = utcnow()
    _maybe_complete(session, check)


def waive(session: Any, check: BackgroundCheck, item: CheckItem, user: Any, reason: str) -> None:
    """HR decides the item need not be checked (e.g. no credit record in the country): reason required."""
    if item.result not in ("pending", "not_verifiable"):
        raise RecruitmentError(_l("Only an item not checked or not verifiable can be waived."))
    if not (reason or "").strip():
        raise RecruitmentError(_l("Say why this item is waived."), "waive_reason")
    item.result = "waived"
    item.waive_reason = reason.strip()
    item.decided_by_id = user.id
    item.decided_at = utcnow()
    _maybe_complete(session, check)


def _maybe_complete(session: Any, check: BackgroundCheck) -> None:
    session.flush()
    session.refresh(check)
    if not check_problems(check) and check.completed_at is None:
        check.completed_at = utcnow()
    session.flush()


def check_problems(check: BackgroundCheck | None) -> list[str]:
    """What stops an offer: no check, no consent, items not resolved. Not verifiable counts as unresolved until
    waived; a discrepancy is resolved (HR decides on it, knowing it)."""
    if check is None:
        return [str(_l("No background check was started."))]
    problems = []
    if check.consent_at is None:
        problems.append(str(_l("The candidate's consent to the background check is not recorded.")))
    open_items = [item for item in check.items if item.result in ("pending", "not_verifiable")]
    if open_items:
        problems.append(str(_l("%(n)d background-check items are not verified or waived.", n=len(open_items))))
    return problems
