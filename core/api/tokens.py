"""Personal API tokens (issue 3): create, find by secret, revoke.

A token is ``nsk_`` followed by 43 random URL-safe characters. Only its SHA-256 is stored, so a stolen database
gives no usable token; the first characters are kept in clear so that the owner can tell tokens apart.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select, update

from core.api.models import ApiToken
from core.timeutil import utcnow

SECRET_PREFIX = "nsk_"
DISPLAY_CHARS = 12
NAME_MAX = 80
#: last_used_at is written at most this often per token, so that busy clients do not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    """A token that cannot be created as asked; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Any, user_id: int, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user_id``; returns it and its secret, which is never available again."""
    from flask_babel import gettext as _

    name = (name or "").strip()
    if not name:
        raise TokenError("name", _("Give the token a name, so that you recognise it later."))
    if len(name) > NAME_MAX:
        raise TokenError("name", _("At most %(n)d characters.", n=NAME_MAX))
    if expires_at is not None and expires_at <= utcnow():
        raise TokenError("expires", _("The expiry must be in the future."))
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user_id, name=name, token_hash=hash_secret(secret), prefix=secret[:DISPLAY_CHARS],
                     expires_at=expires_at)
    session.add(token)
    session.flush()
    return token, secret


def revoke_token(session: Any, token: ApiToken) -> None:
    """Revoke ``token`` at once (a second revoke keeps the first time)."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()


def user_tokens(user_id: int) -> Select:
    """The tokens of one user (a statement, to sort and paginate)."""
    return select(ApiToken).where(ApiToken.user_id == user_id)


def own_token(session: Any, user_id: int, token_id: int) -> ApiToken | None:
    """Token ``token_id`` if it belongs to ``user_id``; None otherwise, whether or not it exists."""
    return session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id))


def authenticate(session: Any, secret: str) -> ApiToken | None:
    """The usable token for ``secret`` (not revoked, not expired, its user active), noting when it was used."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    now = utcnow()
    if token is None or token.state(now) != "active" or not token.user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
        session.commit()
    return token
