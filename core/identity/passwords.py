"""Password hashing with Argon2id and the minimum password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 10
_hasher = PasswordHasher()
#: For the test suite only (config PASSWORD_HASH_FAST): the same algorithm at its smallest cost, so that hundreds
#: of test users do not spend minutes hashing. Verification reads the cost from each hash, so both verify alike.
_fast_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _current_hasher() -> PasswordHasher:
    from flask import current_app, has_app_context

    if has_app_context() and current_app.config.get("PASSWORD_HASH_FAST"):
        return _fast_hasher
    return _hasher


def hash_password(password: str) -> str:
    return _current_hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _current_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problems(password: str, login: str = "") -> list[str]:
    """Why a new password is refused; empty when it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(str(_l("Use at least %(n)d characters.", n=MIN_LENGTH)))
    if login and login.lower() in password.lower():
        problems.append(str(_l("The password must not contain the login name.")))
    if password.isdigit() or password.isalpha():
        problems.append(str(_l("Mix letters with digits or symbols.")))
    return problems
