"""iCalendar (RFC 5545) invitations for meetings: one VEVENT, times in UTC, lines folded at 75 octets."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def _escape(text: str) -> str:
    return (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n") \
        .replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, never inside a UTF-8 character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")  # stored times are naive UTC


def invitation(*, uid: str, title: str, starts_at: datetime, ends_at: datetime, location: str | None,
               description: str | None, organizer: Any, attendees: list[Any], sequence: int = 0,
               now: datetime) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//NetSales//Team meetings//ZH", "CALSCALE:GREGORIAN",
             "METHOD:REQUEST", "BEGIN:VEVENT", f"UID:{uid}", f"SEQUENCE:{sequence}", f"DTSTAMP:{_stamp(now)}",
             f"DTSTART:{_stamp(starts_at)}", f"DTEND:{_stamp(ends_at)}", f"SUMMARY:{_escape(title)}"]
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    if description:
        lines.append(f"DESCRIPTION:{_escape(description)}")
    if organizer is not None:
        lines.append(f"ORGANIZER;CN={_escape(organizer.name)}:mailto:{organizer.email or organizer.login}")
    for person in attendees:
        lines.append(f"ATTENDEE;CN={_escape(person.name)};ROLE=REQ-PARTICIPANT;RSVP=TRUE:"
                     f"mailto:{person.email or person.login}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
