"""Who an announcement (or a robot channel) is for: everyone, one department, or one team — a leader and
everyone below them in the reporting lines (R2.2.2). Shared by notices, robots and meetings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, or_, select

from core.identity.models import User
from core.identity.org import team_member_ids


def ancestors_and_self(user_id: Any) -> Select:
    """Ids of the user and every superior above them, as one recursive sub-select (no statement of its own);
    ``user_id`` an id or a bound parameter."""
    chain = select(User.id, User.superior_id).where(User.id == user_id).cte("team_chain", recursive=True)
    chain = chain.union(select(User.id, User.superior_id).join(chain, User.id == chain.c.superior_id))
    return select(chain.c.id)


def reaches(model: Any, user: Any) -> ColumnElement[bool]:
    """The rows of ``model`` (audience, department_id, team_leader_id columns) whose audience includes ``user``."""
    return audience_includes(model, user.id, user.department_id or None)


def audience_includes(model: Any, user_id: Any, department_id: Any) -> ColumnElement[bool]:
    """``reaches``' condition for the person ``user_id`` of department ``department_id`` (None: of none), each a
    value or a bound parameter (a statement built once, run with each user's values)."""
    department = (and_(model.audience == "department", model.department_id == department_id)
                  if department_id is not None else false())
    return or_(model.audience == "all", department,
               and_(model.audience == "team", model.team_leader_id.in_(ancestors_and_self(user_id))))


def member_ids(session: Any, audience: str, department_id: int | None, leader_id: int | None) -> set[int]:
    """The active people an audience reaches now."""
    stmt = select(User.id).where(User.active)
    if audience == "department":
        stmt = stmt.where(User.department_id == department_id)
    elif audience == "team":
        stmt = stmt.where(User.id.in_(sorted(team_member_ids(session, leader_id or 0))))
    return set(session.scalars(stmt))


def members_query(session: Any, audience: str, department_id: int | None, leader_id: int | None) -> Select:
    """A select of active Users the audience reaches, for lists paginated in SQL."""
    stmt = select(User).where(User.active)
    if audience == "department":
        return stmt.where(User.department_id == department_id)
    if audience == "team":
        return stmt.where(User.id.in_(sorted(team_member_ids(session, leader_id or 0))))
    return stmt
