"""Secret links for people outside the company (survey, unsubscribe): random tokens, only their hash is stored."""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app, has_request_context, url_for


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


def customer_path(customer_id: int) -> str:
    """The customer's page as a path (/crm/customers/42), in a request or outside one.

    url_for needs a request (or SERVER_NAME) to build a URL; jobs and CLI commands have neither, and the
    notifications they send lost their link. Outside a request the path comes from the app's URL map directly,
    under APPLICATION_ROOT as a request would put it."""
    if has_request_context():
        return url_for("crm.customer", customer_id=customer_id)
    root = current_app.config.get("APPLICATION_ROOT") or "/"
    adapter = current_app.url_map.bind("localhost", script_name=root)
    return adapter.build("crm.customer", {"customer_id": customer_id})
