"""Résumé screening against the requisition's checklist (R3.1.3): pass moves on to the written test, hold keeps
the application waiting (flagged), reject closes it with a reason and the polite e-mail."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from plugins.recruitment.models import Application, Screening
from plugins.recruitment.services import RecruitmentError
from plugins.recruitment.services.stages import advance, ensure_active, reject

DECISIONS = ("pass", "hold", "reject")


def screen(session: Any, application: Application, user: Any, decision: str, met: dict[int, bool],
           reason: str | None = None, *, skip_test: bool = False, expected_version: int | None = None) -> Screening:
    """Record the screening; ``met`` says which of the requisition's requirements the résumé meets."""
    ensure_active(application)
    if application.stage != "screening":
        raise RecruitmentError(_l("This application was screened already."))
    if decision not in DECISIONS:
        raise RecruitmentError(_l("Choose pass, hold or reject."), "decision")
    if decision in ("hold", "reject") and not (reason or "").strip():
        raise RecruitmentError(_l("Give a reason for hold or reject."), "reason")
    requirement_ids = {r.id for r in application.requisition.requirements}
    checklist = {str(rid): bool(met.get(rid)) for rid in requirement_ids}
    row = Screening(application_id=application.id, decision=decision, reason=(reason or "").strip() or None,
                    checklist=checklist, user_id=user.id)
    session.add(row)
    session.flush()
    if decision == "pass":
        advance(session, application, user, skip_test=skip_test, expected_version=expected_version)
    elif decision == "hold":
        application.on_hold = True
        session.flush()
    else:
        reject(session, application, user, reason or "", expected_version=expected_version)
    return row
