"""Departments: a tree (parent) with a head; no department may sit below itself."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from core.identity.models import Department, User
from core.identity.org import parent_creates_cycle


class DepartmentError(ValueError):
    """The department cannot be saved as asked; ``field`` names the form field the message belongs to."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.field = field


def _check(session: Any, department: Department | None, name: str, parent_id: int | None,
           head_id: int | None) -> str:
    name = (name or "").strip()
    if not name:
        raise DepartmentError(_l("A name is required."), "name")
    if len(name) > 120:
        raise DepartmentError(_l("Use at most %(n)d characters.", n=120), "name")
    # SQLite's lower() folds ASCII only: the exact name is compared too, or "Ä" passed and broke the unique index.
    same_name = select(Department.id).where(or_(Department.name == name, func.lower(Department.name) == name.lower()))
    if department is not None:
        same_name = same_name.where(Department.id != department.id)
    if session.scalar(same_name) is not None:
        raise DepartmentError(_l("Another department is already called %(name)s.", name=name), "name")
    if parent_id is not None:
        if session.get(Department, parent_id) is None:
            raise DepartmentError(_l("This department does not exist."), "parent_id")
        if department is not None and (parent_id == department.id
                                       or parent_creates_cycle(session, department.id, parent_id)):
            raise DepartmentError(_l("A department cannot sit below itself or one of its own sub-departments."),
                                  "parent_id")
    if head_id is not None and session.get(User, head_id) is None:
        raise DepartmentError(_l("This person does not exist."), "head_id")
    return name


def create_department(session: Any, name: str, parent_id: int | None = None, head_id: int | None = None) -> Department:
    clean = _check(session, None, name, parent_id, head_id)
    department = Department(name=clean, parent_id=parent_id, head_id=head_id)
    session.add(department)
    session.flush()
    return department


def update_department(session: Any, department: Department, name: str, parent_id: int | None,
                      head_id: int | None) -> Department:
    department.name = _check(session, department, name, parent_id, head_id)
    department.parent_id = parent_id
    department.head_id = head_id
    session.flush()
    return department
