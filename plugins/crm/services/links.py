"""Secret links for people outside the company (survey, unsubscribe): random tokens, only their hash is stored."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """(token for the link, hash to store): 256 random bits, so a link cannot be guessed."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def absolute(path: str) -> str:
    """The link as a customer opens it (BASE_URL of the configuration, else this request's host)."""
    from core.notifications.service import absolute_url

    return absolute_url(path) or path
