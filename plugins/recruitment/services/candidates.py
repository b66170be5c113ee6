"""Candidates and their applications: from HR's entry, the careers page or a job site's export. The same person
(same phone or e-mail) is one candidate with all their applications; consent is recorded when they apply (R11/PIPL)."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from core.identity.models import User
from core.timeutil import utcnow
from plugins.recruitment.models import CHANNELS, Application, Candidate, Posting, Requisition, StageChange
from plugins.recruitment.services import RecruitmentError

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def phone_key(phone: str | None) -> str | None:
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("86") and len(digits) == 13:  # +86 138... is the same mobile as 138...
        digits = digits[2:]
    return digits or None


def email_key(email: str | None) -> str | None:
    return (email or "").strip().lower() or None


def check_person(name: str | None, phone: str | None, email: str | None) -> None:
    if not (name or "").strip():
        raise RecruitmentError(_l("Enter the name."), "name")
    if len((name or "").strip()) > 120:
        raise RecruitmentError(_l("Use at most %(n)d characters.", n=120), "name")
    if not phone_key(phone) and not email_key(email):
        raise RecruitmentError(_l("Enter a phone number or an e-mail address, so we can reach the candidate."),
                               "phone")
    if phone and (len(phone) > 40 or len(phone_key(phone) or "") < 5):
        raise RecruitmentError(_l("This is not a valid phone number."), "phone")
    if email and (len(email) > 200 or not EMAIL.match(email.strip())):
        raise RecruitmentError(_l("This is not a valid e-mail address."), "email")


def find_candidate(session: Any, phone: str | None, email: str | None) -> Candidate | None:
    """The candidate with this phone or e-mail (not anonymised), oldest first."""
    terms = []
    if key := phone_key(phone):
        terms.append(Candidate.phone_key == key)
    if key := email_key(email):
        terms.append(Candidate.email_key == key)
    if not terms:
        return None
    return session.scalar(select(Candidate).where(or_(*terms), Candidate.anonymised_at.is_(None))
                          .order_by(Candidate.id).limit(1))


def upsert_candidate(session: Any, *, name: str, phone: str | None, email: str | None,
                     education: str | None = None, current_employer: str | None = None,
                     consent: bool = False, talent_pool: bool = False) -> Candidate:
    """The existing candidate (filling in what they lacked) or a new one."""
    check_person(name, phone, email)
    candidate = find_candidate(session, phone, email)
    if candidate is None:
        candidate = Candidate(name=name.strip()[:120])
        session.add(candidate)
    for field, value in (("phone", (phone or "").strip()[:40]), ("email", (email or "").strip()[:200]),
                         ("education", (education or "").strip()[:200]),
                         ("current_employer", (current_employer or "").strip()[:200])):
        if value and not getattr(candidate, field):
            setattr(candidate, field, value)
    candidate.phone_key = phone_key(candidate.phone)
    candidate.email_key = email_key(candidate.email)
    if consent:
        candidate.consent_at = utcnow()
    if talent_pool:
        candidate.talent_pool = True
    session.flush()
    return candidate


def open_requisition(session: Any, requisition_id: int | None) -> Requisition:
    requisition = session.get(Requisition, requisition_id) if requisition_id else None
    if requisition is None or requisition.state != "approved":
        raise RecruitmentError(_l("This position is not open for applications."), "requisition_id")
    return requisition


def apply(session: Any, requisition: Requisition, candidate: Candidate, *, channel: str,
          posting: Posting | None = None, source_detail: str | None = None, referrer_id: int | None = None,
          cover_letter: str | None = None, user: Any = None) -> tuple[Application, bool]:
    """The candidate's application to the requisition; (application, created). Applying twice to the same
    requisition keeps the one application (the second visit adds nothing but what it lacked)."""
    if channel not in CHANNELS:
        raise RecruitmentError(_l("Choose a channel."), "channel")
    if referrer_id is not None and session.get(User, referrer_id) is None:
        raise RecruitmentError(_l("This referrer does not exist."), "referrer_id")
    existing = session.scalar(select(Application).where(Application.requisition_id == requisition.id,
                                                        Application.candidate_id == candidate.id))
    if existing is not None:
        if cover_letter and not existing.cover_letter:
            existing.cover_letter = cover_letter
        session.flush()
        return existing, False
    application = Application(requisition_id=requisition.id, candidate_id=candidate.id,
                              owner_id=requisition.requested_by_id, channel=channel,
                              posting_id=posting.id if posting else None,
                              source_detail=(source_detail or "").strip()[:200] or None, referrer_id=referrer_id,
                              cover_letter=(cover_letter or "").strip() or None, stage="screening", furthest=0)
    session.add(application)
    session.flush()
    session.add(StageChange(application_id=application.id, from_stage=None, to_stage="screening",
                            user_id=getattr(user, "id", None)))
    session.flush()
    return application, True


def merge_candidates(session: Any, keep: Candidate, other: Candidate) -> Candidate:
    """Move ``other``'s applications to ``keep`` and retire ``other`` (anonymised, pointing nowhere). An
    application of both to the same requisition stays once: the further one."""
    if keep.id == other.id:
        raise RecruitmentError(_l("Choose two different candidates."))
    kept = {a.requisition_id: a for a in session.scalars(select(Application).where(
        Application.candidate_id == keep.id))}
    for application in session.scalars(select(Application).where(Application.candidate_id == other.id)).all():
        twin = kept.get(application.requisition_id)
        if twin is not None:
            continue  # both applied to one requisition: keep's application stands, other's goes with other
        session.execute(update(Application).where(Application.id == application.id)
                        .values(candidate_id=keep.id).execution_options(synchronize_session=False))
    for field in ("phone", "email", "education", "current_employer", "notes"):
        if not getattr(keep, field) and getattr(other, field):
            setattr(keep, field, getattr(other, field))
    keep.phone_key, keep.email_key = phone_key(keep.phone), email_key(keep.email)
    keep.consent_at = keep.consent_at or other.consent_at
    keep.talent_pool = keep.talent_pool or other.talent_pool
    from plugins.recruitment.services.privacy import erase_candidate_fields

    erase_candidate_fields(other)
    session.flush()
    return keep


def duplicates_of(session: Any, candidate: Candidate, limit: int = 10) -> list[Candidate]:
    """Other candidates sharing this one's phone or e-mail (left over from before a correction)."""
    terms = []
    if candidate.phone_key:
        terms.append(Candidate.phone_key == candidate.phone_key)
    if candidate.email_key:
        terms.append(Candidate.email_key == candidate.email_key)
    if not terms:
        return []
    return list(session.scalars(select(Candidate).where(or_(*terms), Candidate.id != candidate.id,
                                                        Candidate.anonymised_at.is_(None)).limit(limit)))
