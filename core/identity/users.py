"""Creating and changing users: the rules every way in (admin page, CLI, import, demo) goes through.

A user is never deleted (issue 3): they are deactivated, which ends their sessions, and can be reactivated."""

from __future__ import annotations

import re
import secrets
import string
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.auth.sessions import end_all_sessions
from core.identity.models import POSITIONS, Department, Role, User
from core.identity.org import superior_creates_cycle
from core.identity.passwords import hash_password, password_problems

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
#: Fields an administrator may change after creation (the login stays: other systems and logs refer to it).
EDITABLE_FIELDS = ("name", "email", "phone", "position", "department_id", "superior_id", "hire_date", "locale")


class UserError(ValueError):
    """A user cannot be created or changed as asked; ``field`` names the form field the message belongs to."""

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.field = field


class LastAdministrator(UserError):
    """The change would leave no active administrator: a conflict with the current state (409 on the API)."""


def new_session_token() -> str:
    return secrets.token_hex(16)


def generate_password(length: int = 14) -> str:
    """A random password that meets the policy (letters and digits, never the login)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if not password_problems(candidate):
            return candidate


def _check_fields(session: Any, user_id: int | None, fields: dict[str, Any]) -> None:
    if "name" in fields and not (fields["name"] or "").strip():
        raise UserError(_l("A name is required."), "name")
    if len((fields.get("name") or "").strip()) > 120:
        raise UserError(_l("Use at most %(n)d characters.", n=120), "name")
    email = fields.get("email")
    if email and (len(email) > 200 or not EMAIL_PATTERN.match(email)):
        raise UserError(_l("This is not a valid e-mail address."), "email")
    if fields.get("phone") and len(fields["phone"]) > 40:
        raise UserError(_l("Use at most %(n)d characters.", n=40), "phone")
    if "position" in fields and fields["position"] not in POSITIONS:
        raise UserError(_l("Unknown position %(position)s.", position=fields["position"]), "position")
    department_id = fields.get("department_id")
    if department_id is not None and session.get(Department, department_id) is None:
        raise UserError(_l("This department does not exist."), "department_id")
    superior_id = fields.get("superior_id")
    if superior_id is not None:
        if superior_id == user_id:
            raise UserError(_l("A person cannot be their own superior."), "superior_id")
        if session.get(User, superior_id) is None:
            raise UserError(_l("This superior does not exist."), "superior_id")
        if superior_creates_cycle(session, user_id, superior_id):
            raise UserError(_l("This superior reports to this person already: the reporting lines would form "
                               "a circle."), "superior_id")


def _roles(session: Any, codes: list[str] | tuple[str, ...]) -> list[Role]:
    rows = list(session.scalars(select(Role).where(Role.code.in_(list(codes))))) if codes else []
    missing = set(codes) - {r.code for r in rows}
    if missing:
        raise UserError(_l("Unknown roles: %(roles)s.", roles=", ".join(sorted(missing))), "roles")
    return rows


def create_user(
    session: Any,
    *,
    login: str,
    name: str,
    password: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    roles: list[str] | tuple[str, ...] = (),
    position: str = "other",
    department_id: int | None = None,
    superior_id: int | None = None,
    hire_date: date | None = None,
    locale: str | None = None,
    check_password: bool = True,
    actor: Any = None,
) -> User:
    """Create an active user; without a password they cannot sign in until one is set.

    ``actor`` is the signed-in user who asks (pages, API, import, CLI ``--as``): they must hold core.users.manage
    and may give only roles whose every grant they hold as widely, never the administrator role unless they are
    one (core/identity/access.py, issue 11 F1). None means trusted server code (setup, demo data, another
    plugin's service such as recruitment's hiring, tests): no such check. A caller acting for a person passes them."""
    login = (login or "").strip()
    if not LOGIN_PATTERN.match(login):
        raise UserError(_l("A login of 1 to 64 letters, digits or . _ @ - is required."), "login")
    if session.scalar(select(User.id).where(func.lower(User.login) == login.lower())) is not None:
        raise UserError(_l("The login %(login)s is already taken.", login=login), "login")
    _check_fields(session, None, {"name": name or login, "email": email, "phone": phone, "position": position,
                                  "department_id": department_id, "superior_id": superior_id})
    role_rows = _roles(session, roles)
    _access().check_grantable_roles(session, actor, role_rows)
    if password and check_password:
        problems = password_problems(password, login)
        if problems:
            raise UserError(" ".join(problems), "password")
    user = User(
        login=login, name=(name or "").strip() or login, email=email or None, phone=phone or None,
        position=position, department_id=department_id, superior_id=superior_id, hire_date=hire_date,
        locale=locale or None, password_hash=hash_password(password) if password else None,
        session_token=new_session_token(), roles=role_rows, active=True,
    )
    session.add(user)
    session.flush()
    return user


def announce_hire(user: User) -> None:
    """Tell the plugins that ``user`` joined the company (``employee_hired``: training starts onboarding, R3.2.1),
    when they have a hire date. Called where a person is hired — the user form, the import, recruitment's hire —
    not by setup, demo data or tests, which create people without hiring them. Listeners write into the caller's
    transaction, so call it before committing."""
    from flask import current_app

    if user.hire_date is not None:
        current_app.extensions["netsales"].call("employee_hired", user=user)


def update_user(session: Any, user: User, roles: list[str] | tuple[str, ...] | None = None, *, actor: Any = None,
                **fields: Any) -> User:
    """Change the editable fields (EDITABLE_FIELDS) and, if given, the roles. Validates before changing anything.

    ``actor`` (None: trusted caller) must be allowed to manage ``user`` and to give ``roles`` (access.py)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    _access().check_may_manage(session, actor, user)
    _check_fields(session, user.id, fields)
    role_rows = _roles(session, roles) if roles is not None else None
    if role_rows is not None:
        _access().check_grantable_roles(session, actor, role_rows)
    if role_rows is not None and user.roles and any(r.code == "admin" for r in user.roles) \
            and not any(r.code == "admin" for r in role_rows):
        _keep_an_administrator(session, user)
    for key, value in fields.items():
        if isinstance(value, str):
            value = value.strip() or None
        setattr(user, key, value if key != "name" else (value or user.login))
    if role_rows is not None:
        user.roles = role_rows
    session.flush()
    return user


def _access() -> Any:
    from core.identity import access  # access.py builds on UserError: imported late to avoid a cycle

    return access


def _keep_an_administrator(session: Any, user: User) -> None:
    """Refuse a change that would leave no active administrator: nobody could manage the system any more.

    The active administrators' rows are locked (PostgreSQL) until the commit, so that two administrators
    deactivating each other at once cannot both pass this check: the second waits and then sees the first's change."""
    admins = session.scalars(
        select(User.id).where(User.active, User.roles.any(Role.code == "admin")).with_for_update()
    ).all()
    if not [admin_id for admin_id in admins if admin_id != user.id]:
        raise LastAdministrator(_l("This is the last active administrator; make someone else an administrator "
                                   "first."), "roles")


def deactivate_user(session: Any, user: User, actor: Any = None) -> None:
    """Deactivate: the user cannot sign in, and every open session ends (the session token changes).

    ``actor`` (None: trusted caller) must be allowed to manage ``user`` (access.py) and is not ``user``."""
    _access().check_may_manage(session, actor, user)
    if actor is not None and actor.id == user.id:
        raise UserError(_l("You cannot deactivate yourself."))
    if not user.active:
        return
    if any(role.code == "admin" for role in user.roles):
        _keep_an_administrator(session, user)
    user.active = False
    end_all_sessions(user, session)  # every session and remember-me cookie (core/auth/sessions.py, issue 11 F2)
    session.flush()


def reactivate_user(session: Any, user: User, actor: Any = None) -> None:
    """``actor`` (None: trusted caller) must be allowed to manage ``user`` (access.py)."""
    _access().check_may_manage(session, actor, user)
    user.active = True
    session.flush()


def set_password(user: User, password: str, check: bool = True, actor: Any = None) -> None:
    """Set a new password and end every existing session of the user.

    ``actor``: who resets it (admin page, CLI ``--as``), who must be allowed to manage ``user`` (access.py); None
    for trusted callers and for the user changing their own password after proving the old one."""
    from sqlalchemy.orm import object_session

    _access().check_may_manage(object_session(user), actor, user)
    if check:
        problems = password_problems(password, user.login)
        if problems:
            raise UserError(" ".join(problems), "password")
    user.password_hash = hash_password(password)
    end_all_sessions(user)  # every session and remember-me cookie (core/auth/sessions.py, issue 11 F2)
