"""Creating and changing users: the rules every way in (admin page, CLI, import, demo) goes through."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlalchemy import select

from core.identity.models import POSITIONS, Role, User
from core.identity.passwords import hash_password, password_problems


class UserError(ValueError):
    """A user cannot be created or changed as asked; the message says why, for the person who asked."""


def new_session_token() -> str:
    return secrets.token_hex(16)


def create_user(
    session: Any,
    *,
    login: str,
    name: str,
    password: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    roles: list[str] = (),  # type: ignore[assignment]
    position: str = "other",
    department_id: int | None = None,
    superior_id: int | None = None,
    hire_date: date | None = None,
    locale: str | None = None,
    check_password: bool = True,
) -> User:
    login = login.strip()
    if not login or len(login) > 64:
        raise UserError("A login name of 1 to 64 characters is required.")
    if position not in POSITIONS:
        raise UserError(f"Unknown position {position!r}.")
    if session.scalar(select(User.id).where(User.login == login)) is not None:
        raise UserError(f"The login {login} is already taken.")
    if password and check_password:
        problems = password_problems(password, login)
        if problems:
            raise UserError(" ".join(problems))
    role_rows = list(session.scalars(select(Role).where(Role.code.in_(list(roles))))) if roles else []
    missing = set(roles) - {r.code for r in role_rows}
    if missing:
        raise UserError(f"Unknown roles: {', '.join(sorted(missing))}.")
    user = User(
        login=login, name=name.strip() or login, email=email, phone=phone, position=position,
        department_id=department_id, superior_id=superior_id, hire_date=hire_date, locale=locale,
        password_hash=hash_password(password) if password else None, session_token=new_session_token(),
        roles=role_rows,
    )
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str, check: bool = True) -> None:
    """Set a new password and end every existing session of the user."""
    if check:
        problems = password_problems(password, user.login)
        if problems:
            raise UserError(" ".join(problems))
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
