"""Bearer-token authentication for everything under /api/ (issue 3): the token's user becomes current_user for
this request only, with exactly that user's permissions. No session cookie is read or written for such a request.
"""

from __future__ import annotations

from flask import Flask, g, request

from core.api.errors import ApiError, is_api_request
from core.extensions import db


def token_in_use():  # type: ignore[no-untyped-def]
    """The ApiToken this request authenticated with, or None (a session, or anonymous)."""
    return g.get("netsales_api_token")


def authenticate_bearer() -> None:
    """before_request: an Authorization header on an API path must carry a usable token, else 401."""
    if not is_api_request():
        return
    header = request.headers.get("Authorization")
    if header is None:
        return
    from flask_babel import gettext as _

    from core.api.tokens import authenticate

    scheme, _sep, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, _("Send the token as \"Authorization: Bearer <token>\"."),
                       headers={"WWW-Authenticate": 'Bearer realm="NetSales", error="invalid_request"'})
    token = authenticate(db.session, secret.strip())
    if token is None:
        # Unknown, revoked and expired tokens, and deactivated users, are told apart by nobody but their owner.
        raise ApiError(401, _("The API token is not valid: it is unknown, expired or revoked."),
                       headers={"WWW-Authenticate": 'Bearer realm="NetSales", error="invalid_token"'})
    g.netsales_api_token = token
    g._login_user = token.user  # Flask-Login's current_user for this request; nothing goes into the session


def install(app: Flask) -> None:
    app.before_request(authenticate_bearer)
