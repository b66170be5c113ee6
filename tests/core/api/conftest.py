"""Helpers for the API tests: tokens for test users and their Authorization headers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def make_token(app: Any) -> Callable[..., tuple[Any, str]]:
    """``make_token(user, name="script", expires_at=None)`` → (ApiToken, secret), committed."""
    from core.api.tokens import create_token
    from core.extensions import db

    def factory(user: Any, name: str = "script", expires_at: Any = None) -> tuple[Any, str]:
        token, secret = create_token(db.session, user.id, name, expires_at)
        db.session.commit()
        return token, secret

    return factory


@pytest.fixture
def bearer(make_token: Callable[..., tuple[Any, str]]) -> Callable[[Any], dict[str, str]]:
    """``bearer(user)`` → headers authenticating as ``user`` with a new token."""
    return lambda user: {"Authorization": f"Bearer {make_token(user)[1]}"}


@pytest.fixture
def hello(app: Any, enable_plugin: Callable[[str], list[str]]) -> None:
    """The example plugin enabled (its greetings API is what the record-scope tests use)."""
    enable_plugin("hello")


def error_of(response: Any) -> dict[str, Any]:
    """The ``error`` object of an API error answer, checking the one format on the way."""
    assert response.is_json, response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["status"] == response.status_code
    assert isinstance(error["message"], str) and error["message"]
    assert set(error) <= {"status", "message", "fields"}
    return error
