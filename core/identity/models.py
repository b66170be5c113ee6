"""People, the org chart, and roles as sets of permission grants (DESIGN.md "The core")."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint, exists
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from core.extensions import db
from core.timeutil import utcnow

#: Positions of R1.2 and R2, plus the company functions the regulation relies on.
POSITIONS = ("sales_rep", "sales_supervisor", "sales_manager", "hr", "finance", "department_head", "admin", "other")

user_roles = Table(
    "core_user_role",
    db.metadata,
    Column("user_id", Integer, ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", Integer, ForeignKey("core_role.id", ondelete="CASCADE"), primary_key=True),
)


def _position_label(code: str) -> str:
    from core.identity.positions import position_label  # it imports this module

    return position_label(code)


class Department(db.Model):
    __tablename__ = "core_department"
    #: Read by many pages' filters, changed rarely: kept per process (core/reference_data.py).
    __reference_data__ = True
    # What the audit page shows (core/audit/labels.py).
    __label__ = _l("Department")
    __tracked__ = {"name": _l("Department name"), "head_id": _l("Head")}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("core_department.id"), index=True)
    head_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", use_alter=True), index=True)

    parent: Mapped[Department | None] = relationship(remote_side=[id])
    head: Mapped[User | None] = relationship(foreign_keys=[head_id])


class User(UserMixin, db.Model):
    __tablename__ = "core_user"
    # Not the password hash, session token or language: the audit trail keeps them, readers do not need them.
    __label__ = _l("User")
    __tracked__ = {"login": _l("Login"), "name": _l("Full name"), "email": _l("E-mail"), "phone": _l("Phone"),
                   "active": _l("Account active"), "position": (_l("Position"), _position_label),
                   "superior_id": _l("Superior"), "hire_date": _l("Hire date")}

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    #: Indexed for the users list's default sort and its position filter.
    name: Mapped[str] = mapped_column(String(120), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    locale: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: Part of the session identity: changing it (password change, deactivation) signs out every session.
    session_token: Mapped[str] = mapped_column(String(64))
    position: Mapped[str] = mapped_column(String(32), default="other", index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("core_department.id"), index=True)
    superior_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"), index=True)
    hire_date: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    superior: Mapped[User | None] = relationship(remote_side=[id], foreign_keys=[superior_id])
    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"


class Permission(db.Model):
    """A permission code declared by the core or a plugin through register_permissions()."""

    __tablename__ = "core_permission"

    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    owner: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(Text)
    record_level: Mapped[bool] = mapped_column(default=False)


class Role(db.Model):
    __tablename__ = "core_role"
    __label__ = _l("Role")
    __tracked__ = {"name": _l("Role name")}

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    builtin: Mapped[bool] = mapped_column(default=False)

    grants: Mapped[list[Grant]] = relationship(back_populates="role", cascade="all, delete-orphan", lazy="selectin")


class Grant(db.Model):
    """A role's permission; for record-level permissions, with the scope own / team / all."""

    __tablename__ = "core_grant"
    __label__ = _l("Permission grant")  # its name on the audit page (core/audit/labels.py)
    __table_args__ = (UniqueConstraint("role_id", "permission_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("core_role.id", ondelete="CASCADE"), index=True)
    permission_code: Mapped[str] = mapped_column(ForeignKey("core_permission.code", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(8), default="all")

    role: Mapped[Role] = relationship(back_populates="grants")


_subordinate = User.__table__.alias("subordinate")
#: Whether anyone reports to this user (their team is more than themselves, R2.2.2). Deferred: loaded only where
#: asked for, e.g. with the signed-in user, so that the menu's "My team" costs no query of its own.
User.has_subordinates = column_property(
    exists().where(_subordinate.c.superior_id == User.__table__.c.id, _subordinate.c.id != User.__table__.c.id),
    deferred=True)
