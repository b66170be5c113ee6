"""A record with owners and a view permission to hang files and comments on: the example plugin's greeting.

hello_greeting has ``__owner__`` and a record-level view permission (a representative sees only their own);
the tests declare its ``__view_permission__`` as a plugin's model does (core/attachments/records.py)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest


@pytest.fixture
def greetings(app: Any, enable_plugin: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from netsales_hello.models import Greeting

    monkeypatch.setattr(Greeting, "__view_permission__", "hello.greeting.view", raising=False)
    enable_plugin("hello")
    return Greeting


def greeting_by(user: Any, text: str = "新年快乐") -> Any:
    from netsales_hello.services import post_greeting

    from core.extensions import db

    greeting = post_greeting(db.session, user.id, text)
    db.session.commit()
    return greeting


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()
