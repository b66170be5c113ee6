"""An e-mail address as the mail settings and the outbox accept it: a leaf module, so that the settings service
checks the sender address without importing the notifications service (which reads the settings: issue 19)."""

from __future__ import annotations

from email.utils import parseaddr


def valid_address(address: str) -> bool:
    """``name <user@host>`` or ``user@host``, on one line (a line break would inject mail headers)."""
    _name, addr = parseaddr(address)
    return bool(addr) and "@" in addr and not any(c in address for c in "\r\n")
