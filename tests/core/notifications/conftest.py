"""A real SMTP server on loopback (aiosmtpd), started and stopped by the test, and the test clock."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.core.jobs.conftest import Clock, clock  # noqa: F401  (the same test clock)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """Collects what the server accepted."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        mail = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append({"to": envelope.rcpt_tos, "mail": mail})
        return "250 Message accepted"


class SmtpServer:
    """A loopback SMTP server on a fixed port that the test can stop and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[Any]:
        return self.inbox.messages


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """Not started: call ``start()`` (the "server down" story starts with it stopped)."""
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def mail_settings(app: Any, smtp_server: SmtpServer) -> SmtpServer:
    """Point the SMTP settings at the loopback server (plain SMTP: it is on loopback)."""
    from core.extensions import db
    from core.settings import set_setting

    set_setting("core.smtp_host", "127.0.0.1")
    set_setting("core.smtp_port", smtp_server.port)
    set_setting("core.smtp_tls", "none")
    set_setting("core.smtp_sender", "NetSales <noreply@netsales.test>")
    db.session.commit()
    return smtp_server


__all__ = ["Clock", "clock"]
