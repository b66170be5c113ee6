"""A person's training sessions as an iCalendar file (RFC 5545), for Outlook, WeChat Work or a phone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from plugins.training.models import TrainingSession


def _escape(text: str) -> str:
    """TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 §3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (§3.1), never inside a character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > 75:
            out.append(current.decode())
            current = b" "
        current += encoded
    out.append(current.decode())
    return "\r\n".join(out)


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")  # stored naive UTC


def ics(sessions: Iterable[TrainingSession], host: str, now: datetime, calendar_name: str) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//NetSales//Training//ZH", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(calendar_name)}"]
    for item in sessions:
        location = item.place or item.online_url or ""
        description = item.course.description or ""
        if item.online_url:
            description = f"{description}\n{item.online_url}".strip()
        lines += ["BEGIN:VEVENT", f"UID:training-session-{item.id}@{host}", f"DTSTAMP:{_utc(now)}",
                  f"DTSTART:{_utc(item.starts_at)}", f"DTEND:{_utc(item.ends_at)}",
                  f"SUMMARY:{_escape(item.course.title)}"]
        if location:
            lines.append(f"LOCATION:{_escape(location)}")
        if description:
            lines.append(f"DESCRIPTION:{_escape(description)}")
        if item.online_url:
            lines.append(f"URL:{item.online_url}")
        lines += ["STATUS:CANCELLED" if item.cancelled else "STATUS:CONFIRMED", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
