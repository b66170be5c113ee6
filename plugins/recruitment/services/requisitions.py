"""Hiring plans (R3.1.1): drafting, the approval chain (a setting, e.g. department head then HR), progress against
headcount. Two approvers deciding the same step at once end with one decision and one refusal (version column and
the approval table's unique step)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core.identity.models import POSITIONS, Department
from core.timeutil import utcnow
from plugins.recruitment.models import REASONS, REQUIREMENT_KINDS, Approval, Requirement, Requisition
from plugins.recruitment.services import RecruitmentError

STEP_CODES = ("department_head", "sales_manager", "hr")
#: The permission each approval step asks for.
STEP_PERMISSIONS = {"department_head": "recruitment.approve.department",
                    "sales_manager": "recruitment.approve.manager", "hr": "recruitment.approve.hr"}
CONCURRENT = _l("Someone else decided on this hiring plan meanwhile. Reload it and try again.")
MAX_HEADCOUNT = 500
MAX_SALARY = Decimal("999999999.99")


def approval_chain() -> list[str]:
    from core.settings import get_setting

    chain = [code.strip() for code in str(get_setting("recruitment.approval_chain") or "").split(",")]
    return [code for code in chain if code in STEP_CODES] or ["hr"]


def parse_requirements(text: str | None) -> list[tuple[str, str]]:
    """One requirement a line, optionally starting with its kind ("skill: Excel"); unknown kinds read as other."""
    rows = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        kind, sep, rest = line.partition(":")
        if not sep:
            kind, sep, rest = line.partition("：")
        if sep and kind.strip().lower() in REQUIREMENT_KINDS and rest.strip():
            rows.append((kind.strip().lower(), rest.strip()[:300]))
        else:
            rows.append(("other", line[:300]))
    return rows


def _check(session: Any, *, title: str, position: str, department_id: int | None, headcount: Any, reason: str,
           salary_min: Any, salary_max: Any, required_by: date | None) -> None:
    if not (title or "").strip():
        raise RecruitmentError(_l("Enter the position's title."), "title")
    if position not in POSITIONS:
        raise RecruitmentError(_l("Choose a position."), "position")
    if department_id is not None and session.get(Department, department_id) is None:
        raise RecruitmentError(_l("This department does not exist."), "department_id")
    if not isinstance(headcount, int) or not 1 <= headcount <= MAX_HEADCOUNT:
        raise RecruitmentError(_l("Headcount is a whole number from 1 to %(n)d.", n=MAX_HEADCOUNT), "headcount")
    if reason not in REASONS:
        raise RecruitmentError(_l("Choose a reason."), "reason")
    for name, value in (("salary_min", salary_min), ("salary_max", salary_max)):
        if value is not None:
            try:
                ok = Decimal(value).is_finite() and Decimal("0") <= Decimal(value) <= MAX_SALARY
            except (InvalidOperation, TypeError, ValueError):
                ok = False
            if not ok:
                raise RecruitmentError(_l("Enter an amount from 0 to 999,999,999.99."), name)
    if salary_min is not None and salary_max is not None and Decimal(salary_min) > Decimal(salary_max):
        raise RecruitmentError(_l("The lowest salary is above the highest."), "salary_max")


def save_requisition(session: Any, user: Any, requisition: Requisition | None = None, *, title: str,
                     position: str, department_id: int | None, headcount: int, reason: str,
                     salary_min: Decimal | None, salary_max: Decimal | None, required_by: date | None,
                     description: str | None, requirements: str | None) -> Requisition:
    """Create a draft requisition, or change one that is still a draft or was not approved."""
    _check(session, title=title, position=position, department_id=department_id, headcount=headcount,
           reason=reason, salary_min=salary_min, salary_max=salary_max, required_by=required_by)
    parsed = parse_requirements(requirements)
    if not parsed:
        raise RecruitmentError(_l("List at least one requirement: they become the screening checklist and the "
                                  "interview scorecard."), "requirements")
    if requisition is None:
        requisition = Requisition(requested_by_id=user.id)
        session.add(requisition)
    elif requisition.state not in ("draft", "rejected"):
        raise RecruitmentError(_l("Only a draft or a plan that was not approved can be changed."))
    requisition.title = title.strip()[:200]
    requisition.position = position
    requisition.department_id = department_id
    requisition.headcount = headcount
    requisition.reason = reason
    requisition.salary_min = salary_min
    requisition.salary_max = salary_max
    requisition.required_by = required_by
    requisition.description = (description or "").strip() or None
    requisition.requirements = [Requirement(kind=kind, text=text) for kind, text in parsed]
    requisition.state = "draft"
    session.flush()
    return requisition


def submit(session: Any, requisition: Requisition, user: Any) -> None:
    if requisition.state not in ("draft", "rejected"):
        raise RecruitmentError(_l("This hiring plan was submitted already."))
    if requisition.requested_by_id != user.id and not _is_hr(user):
        raise RecruitmentError(_l("Only the author or HR submits a hiring plan."))
    # A resubmission starts the chain again: earlier decisions stay on record under other step numbers.
    done = session.scalar(select(Approval.step).where(Approval.requisition_id == requisition.id)
                          .order_by(Approval.step.desc()).limit(1))
    requisition.approval_chain = ",".join(approval_chain())
    requisition.approval_step = 0 if done is None else done + 1
    requisition.chain_index = 0
    requisition.state = "pending"
    requisition.submitted_at = utcnow()
    _flush(session)
    tell_approvers(session, requisition)


def _is_hr(user: Any) -> bool:
    from core.security import can

    return can(user, "recruitment.approve.hr")


def chain_of(requisition: Requisition) -> list[str]:
    return [c for c in (requisition.approval_chain or "").split(",") if c]


def current_step(session: Any, requisition: Requisition) -> str | None:
    """The step code waiting for a decision, or None when the plan is not pending."""
    if requisition.state != "pending":
        return None
    chain = chain_of(requisition)
    return chain[requisition.chain_index] if requisition.chain_index < len(chain) else None


def may_decide(session: Any, requisition: Requisition, user: Any) -> bool:
    """The user may decide the waiting step. The department head's step belongs to the head of the requisition's
    department, whatever their role (a sales department is often headed by the sales manager); without a head,
    to anyone holding the step's permission. Other steps: the step's permission."""
    from core.security import can, is_admin

    step = current_step(session, requisition)
    if step is None:
        return False
    if is_admin(user):
        return True
    if step == "department_head" and requisition.department is not None and requisition.department.head_id:
        return requisition.department.head_id == user.id and user.active
    return can(user, STEP_PERMISSIONS[step])


def decide(session: Any, requisition: Requisition, user: Any, approved: bool, comment: str | None = None, *,
           expected_version: int | None = None) -> Approval:
    """Approve or reject the waiting step. The last approval makes the plan approved (recruiting may start)."""
    if expected_version is not None and requisition.version != expected_version:
        raise RecruitmentError(CONCURRENT)
    step = current_step(session, requisition)
    if step is None:
        raise RecruitmentError(_l("This hiring plan is not waiting for an approval."))
    if not may_decide(session, requisition, user):
        raise RecruitmentError(_l("This step waits for %(who)s.", who=_step_label(step)))
    if not approved and not (comment or "").strip():
        raise RecruitmentError(_l("Say why the plan is not approved."), "comment")
    approval = Approval(requisition_id=requisition.id, step=requisition.approval_step, step_code=step,
                        user_id=user.id, approved=approved, comment=(comment or "").strip() or None)
    session.add(approval)
    requisition.approval_step += 1
    requisition.chain_index += 1
    if not approved:
        requisition.state = "rejected"
    elif requisition.chain_index >= len(chain_of(requisition)):
        requisition.state = "approved"
        requisition.approved_at = utcnow()
    _flush(session)
    if requisition.state == "pending":
        tell_approvers(session, requisition)
    else:
        _tell_author(requisition, user)
    return approval


def approvers(session: Any, requisition: Requisition) -> list[Any]:
    """Who may decide the waiting step: the department's head, or the active holders of the step's permission
    (through a built-in role granting it; administrators are not bothered)."""
    from core.identity.models import Grant, Role, User

    step = current_step(session, requisition)
    if step is None:
        return []
    if step == "department_head" and requisition.department is not None and requisition.department.head_id:
        head = session.get(User, requisition.department.head_id)
        return [head] if head is not None and head.active else []
    return list(session.scalars(select(User).where(
        User.active, User.roles.any(Role.grants.any(Grant.permission_code == STEP_PERMISSIONS[step])))
        .order_by(User.id).limit(20)))


def tell_approvers(session: Any, requisition: Requisition) -> None:
    from core.notifications import notify

    for person in approvers(session, requisition):
        notify(person, _l("The hiring plan %(title)s waits for your approval."),
               url=f"/recruitment/requisitions/{requisition.id}", title=requisition.title)


def _tell_author(requisition: Requisition, decider: Any) -> None:
    from core.notifications import notify

    if requisition.requested_by_id == decider.id:
        return
    message = (_l("Your hiring plan %(title)s is approved: recruiting may start.") if requisition.state == "approved"
               else _l("Your hiring plan %(title)s was not approved."))
    notify(requisition.requested_by, message, url=f"/recruitment/requisitions/{requisition.id}",
           title=requisition.title)


def _step_label(step: str) -> str:
    from plugins.recruitment.labels import STEP_LABELS

    return str(STEP_LABELS.get(step, step))


def _flush(session: Any) -> None:
    try:
        session.flush()  # the version column (or the approval's unique step) makes a concurrent decision fail
    except (StaleDataError, IntegrityError) as exc:
        session.rollback()
        raise RecruitmentError(CONCURRENT) from exc


def cancel(session: Any, requisition: Requisition, user: Any) -> None:
    if requisition.state in ("filled", "cancelled"):
        raise RecruitmentError(_l("This hiring plan is closed already."))
    requisition.state = "cancelled"
    _flush(session)


def count_hire(session: Any, requisition: Requisition) -> None:
    """One more place filled, in one conditional UPDATE: two hires at once never overfill the plan."""
    now = utcnow()
    result = session.execute(
        update(Requisition).where(Requisition.id == requisition.id, Requisition.state == "approved",
                                  Requisition.filled < Requisition.headcount)
        .values(filled=Requisition.filled + 1, version=Requisition.version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise RecruitmentError(_l("This hiring plan has no open place left."))
    session.execute(update(Requisition).where(Requisition.id == requisition.id,
                                              Requisition.filled >= Requisition.headcount)
                    .values(state="filled", filled_at=now).execution_options(synchronize_session=False))
    session.refresh(requisition)


def progress(requisition: Requisition) -> int:
    """Percent of the headcount filled."""
    return int(100 * requisition.filled / requisition.headcount) if requisition.headcount else 0
