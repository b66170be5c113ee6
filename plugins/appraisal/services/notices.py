"""Who is told what as an appraisal moves (in the app, and by e-mail for those who chose it): the next person to act,
and the employee when their result is final or their appeal decided."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.identity.models import Role, User
from core.notifications.service import notify

SELF_DONE = _l("%(name)s submitted their self-assessment; your evaluation is next.")
FINAL = _l("Your appraisal result for %(period)s is final: acknowledge it or appeal.")
APPEALED = _l("%(name)s appealed their appraisal result.")
DECIDED = _l("HR decided your appeal.")
REOPENED = _l("HR reopened the appraisal of %(name)s for your evaluation.")


def url_of(appraisal: Any) -> str:
    return f"/appraisal/{appraisal.id}"


def hr_people(session: Any) -> list[User]:
    return list(session.scalars(select(User).where(User.active.is_(True), User.roles.any(Role.code == "hr"))))


def reviewers(session: Any, appraisal: Any) -> list[User]:
    """The superior of record, or HR when there is none."""
    if appraisal.reviewer_id is not None:
        reviewer = session.get(User, appraisal.reviewer_id)
        return [reviewer] if reviewer is not None and reviewer.active else hr_people(session)
    return hr_people(session)


def tell(recipients: list[User], message: Any, appraisal: Any, **params: Any) -> None:
    for person in recipients:
        if person.id != appraisal.employee_id or message in (FINAL, DECIDED):
            notify(person, message, url_of(appraisal), **params)
