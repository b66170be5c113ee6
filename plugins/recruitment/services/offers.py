"""Offers and hire. An offer waits for a complete background check (R3.1.4); the letter prints in Chinese; an
accepted offer hires in one click: the core creates the employee from the candidate, ``employee_hired`` fires and
the requisition's filled count moves."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.identity.models import POSITIONS, Department, User
from core.timeutil import local_today, utcnow
from plugins.recruitment.models import Application, Offer
from plugins.recruitment.services import RecruitmentError
from plugins.recruitment.services.checks import check_of, check_problems
from plugins.recruitment.services.stages import advance, ensure_active, move_to

#: Positions an offer may give; each is also the built-in role the new employee gets (never administrator).
OFFER_POSITIONS = tuple(p for p in POSITIONS if p != "admin")
MAX_SALARY = Decimal("999999999.99")


def current_offer(session: Any, application: Application) -> Offer | None:
    return session.scalar(select(Offer).where(Offer.application_id == application.id,
                                              Offer.state.in_(("draft", "sent", "accepted")))
                          .order_by(Offer.id.desc()).limit(1))


def make_offer(session: Any, application: Application, user: Any, *, salary: Any, start_date: date | None,
               position: str, department_id: int | None, superior_id: int | None,
               terms: str | None = None) -> Offer:
    """Draft the offer. Refused while the background check is incomplete (R3.1.4)."""
    ensure_active(application)
    if application.stage == "background":
        problems = check_problems(check_of(session, application))
        if problems:
            raise RecruitmentError(" ".join([str(_l("No offer before the background check is complete:"))]
                                            + problems))
        advance(session, application, user)
    elif application.stage != "offer":
        raise RecruitmentError(_l("An offer follows the background check."))
    if current_offer(session, application) is not None:
        raise RecruitmentError(_l("This application has an open offer already."))
    try:
        amount = Decimal(salary)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise RecruitmentError(_l("Enter the monthly salary."), "salary") from exc
    if not amount.is_finite() or not Decimal("0") < amount <= MAX_SALARY:
        raise RecruitmentError(_l("Enter an amount from 0 to 999,999,999.99."), "salary")
    if start_date is None:
        raise RecruitmentError(_l("Enter the start date."), "start_date")
    if start_date < local_today():
        raise RecruitmentError(_l("The start date is in the past."), "start_date")
    if position not in OFFER_POSITIONS:
        raise RecruitmentError(_l("Choose a position."), "position")
    if department_id is not None and session.get(Department, department_id) is None:
        raise RecruitmentError(_l("This department does not exist."), "department_id")
    if superior_id is not None and session.get(User, superior_id) is None:
        raise RecruitmentError(_l("This superior does not exist."), "superior_id")
    check = check_of(session, application)
    offer = Offer(application_id=application.id, salary=amount.quantize(Decimal("0.01")), start_date=start_date,
                  position=position, department_id=department_id, superior_id=superior_id,
                  terms=(terms or "").strip() or None, created_by_id=user.id,
                  check_complete=check is not None and not check_problems(check))
    session.add(offer)
    session.flush()
    return offer


TRANSITIONS = {"draft": ("sent", "withdrawn"), "sent": ("accepted", "declined", "withdrawn")}


def set_state(session: Any, offer: Offer, to_state: str, *, expected_version: int | None = None) -> None:
    if to_state not in TRANSITIONS.get(offer.state, ()):
        raise RecruitmentError(_l("This offer cannot change that way now."))
    if expected_version is not None and offer.version != expected_version:
        raise RecruitmentError(_l("Someone else changed this offer meanwhile. Reload it and try again."))
    application = session.get(Application, offer.application_id)
    ensure_active(application)
    now = utcnow()
    if to_state == "sent":
        offer.sent_at = now
    elif to_state in ("accepted", "declined"):
        offer.answered_at = now
    offer.state = to_state
    try:
        session.flush()
    except StaleDataError as exc:
        session.rollback()
        raise RecruitmentError(_l("Someone else changed this offer meanwhile. Reload it and try again.")) from exc


def suggested_login(session: Any, application: Application) -> str:
    """The e-mail's local part, or "c" and the candidate's number; made unique with a number."""
    import re

    candidate = application.candidate
    base = re.sub(r"[^A-Za-z0-9._-]", "", (candidate.email or "").split("@")[0])[:50] or f"c{candidate.id}"
    login, n = base, 1
    while session.scalar(select(User.id).where(User.login == login)) is not None:
        n += 1
        login = f"{base}{n}"
    return login


def hire(session: Any, application: Application, user: Any, login: str) -> User:
    """Create the employee from the accepted offer (user with position, department, superior, hire date and the
    position's role), fire ``employee_hired``, count the place filled. A login collision is refused on the
    login field; nothing is saved then."""
    from core.identity.users import UserError, announce_hire, create_user
    from plugins.recruitment.services.requisitions import count_hire

    ensure_active(application)
    if application.stage != "offer":
        raise RecruitmentError(_l("Only a candidate at the offer stage can be hired."))
    offer = current_offer(session, application)
    if offer is None or offer.state != "accepted":
        raise RecruitmentError(_l("The candidate has not accepted an offer."))
    candidate = application.candidate
    roles = [offer.position] if offer.position not in ("other", "admin") else []
    try:
        with session.begin_nested():
            # Trusted server code (create_user's docstring): HR hires through the recruitment permission.
            employee = create_user(session, login=login, name=candidate.name, email=candidate.email,
                                   phone=candidate.phone, roles=roles, position=offer.position,
                                   department_id=offer.department_id, superior_id=offer.superior_id,
                                   hire_date=offer.start_date)
    except UserError as exc:
        field = "login" if exc.field == "login" else None
        raise RecruitmentError(str(exc), field) from exc
    count_hire(session, application.requisition)
    application.hired_user_id = employee.id
    application.status = "hired"
    application.closed_at = utcnow()
    move_to(session, application, "hired", user)
    announce_hire(employee)  # employee_hired: the new employee has the offer's start date as hire date
    return employee
