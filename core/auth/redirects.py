"""Where to go after signing in: only a path on this site, never an attacker's address (no open redirect)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for


def is_safe_path(target: str | None) -> bool:
    """True for a local absolute path such as ``/crm/customers?page=2``.

    Refused: other hosts (``//evil.com``, ``https://evil.com``), backslashes that browsers read as slashes
    (``/\\evil.com``), schemes (``javascript:``) and control characters or spaces, which browsers strip before
    reading the address (``/\\t/evil.com`` would become ``//evil.com``).
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 33 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str | None = None) -> str:
    """``target`` if it is a safe local path, else ``default`` (the dashboard when not given)."""
    if is_safe_path(target):
        return target  # type: ignore[return-value]
    return default or url_for("core.dashboard")
