"""The signed-in user of a request, read with a Core statement into a plain object (issue 18: the shell cost).

Every signed-in page loads its user. Hydrating an ORM ``User`` and one ``Role`` per role row through the identity
map was about a tenth of a page with no SQL of its own, and most pages only read a few columns (id, name, locale,
roles for the permission checks). So the statement's row becomes a ``SignedInUser``: the user's columns, whether
anyone reports to them, and their roles as plain ``RoleRef`` objects (id, code, name).

Anything else a view asks of it (a relationship such as ``department``, an attribute written, SQLAlchemy's
``_sa_instance_state`` when it is assigned to a relationship or added to a session) loads the ORM ``User`` on
first use, once per request, and from then on every read and write goes to that ORM object, so the two never
disagree. ``orm_user(current_user)`` gives the ORM object explicitly.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select

from core.extensions import db
from core.identity.models import Grant, Role, User, user_roles

_USER_COLUMNS = tuple(User.__table__.c)
#: The names a SignedInUser answers from its row, without the ORM.
USER_FIELDS = tuple(column.key for column in _USER_COLUMNS) + ("has_subordinates",)


class RoleRef:
    """One of the signed-in user's roles, read-only: id, code, name. Other attributes (``grants`` on the rare path
    where the process's grant copy cannot be trusted, core/security.py) come from the database."""

    __slots__ = ("id", "code", "name")

    def __init__(self, role_id: int, code: str, name: str) -> None:
        self.id, self.code, self.name = role_id, code, name

    @property
    def grants(self) -> list[Grant]:
        # One statement, as the lazy load of Role.grants it replaces.
        return list(db.session.scalars(select(Grant).where(Grant.role_id == self.id)))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(db.session.get(Role, self.id), name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RoleRef | Role):
            return self.id == other.id
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("role", self.id))

    def __repr__(self) -> str:
        return f"<RoleRef {self.id} {self.code}>"


class SignedInUser:
    """The request's signed-in user as Flask-Login's ``current_user``: its row's values until a view needs the ORM
    ``User``, then that object (see the module's docstring). The values sit in the instance's ``__dict__``, so
    reading them (~15 times a page: the layout, permission checks) is a plain attribute look-up; loading the ORM
    object empties that dict, and from then on every read falls through ``__getattr__`` to the ORM object."""

    is_authenticated = True
    is_anonymous = False
    _orm: User | None = None

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def orm(self) -> User:
        """The ORM ``User`` (from the session's identity map, else one statement), loaded once per request."""
        orm = self._orm
        if orm is None:
            values = self.__dict__
            orm = db.session.get(User, values["id"])
            if orm is None:
                raise LookupError(f"user {values['id']} no longer exists")
            values.clear()  # every later read goes to the ORM object, which writes change too
            values["_orm"] = orm
        return orm

    def __getattr__(self, name: str) -> Any:  # only for names not in the row (or all, once the ORM is loaded)
        orm = self._orm
        if orm is not None:
            return getattr(orm, name)
        if name.startswith("_") and not name.startswith("_sa_"):
            # Probes (copy, pickle, Jinja's __html__, hasattr(user, "_get_current_object")) must not load the ORM
            # object; SQLAlchemy's own (_sa_instance_state: assigned to a relationship, added to a session) do.
            raise AttributeError(name)
        return getattr(self.orm(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.orm(), name, value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SignedInUser | User):
            return self.id == other.id
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<SignedInUser {self.id}>"


def orm_user(user: Any) -> Any:
    """The ORM ``User`` behind ``user`` (current_user, a SignedInUser or already a User); other objects as they are."""
    if hasattr(user, "_get_current_object"):
        user = user._get_current_object()
    return user.orm() if isinstance(user, SignedInUser) else user


def signed_in_user_from_rows(rows: list[Any]) -> SignedInUser:
    """The SignedInUser of the statement's rows (one per role, or one with no role): the user's columns come first,
    then ``has_subordinates``, then the role's id, code and name."""
    first = rows[0]
    values = dict(zip(USER_FIELDS, first[:len(USER_FIELDS)], strict=True))
    base = len(USER_FIELDS)
    values["roles"] = tuple(RoleRef(row[base], row[base + 1], row[base + 2]) for row in rows
                            if row[base] is not None)
    return SignedInUser(values)


#: Columns after the user's and the role's in SIGNED_IN_USER's rows.
ROLE_COLUMNS = 3

# Built once (every request runs it). Flat outer joins, one row per role: a Core statement, no ORM entity, so no
# identity map and no Role objects are built.
SIGNED_IN_USER = (
    select(*_USER_COLUMNS, User.has_subordinates.expression.label("has_subordinates"),
           Role.id.label("role_id"), Role.code.label("role_code"), Role.name.label("role_name"))
    .select_from(User.__table__)
    .outerjoin(user_roles, user_roles.c.user_id == User.id)
    .outerjoin(Role, Role.id == user_roles.c.role_id)
    .where(User.id == bindparam("user_id"))
)
