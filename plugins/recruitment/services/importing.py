"""Importing applications from a job site's export (CSV or XLSX): every row is checked first and nothing is saved
unless all rows are good; the same person twice (same phone or e-mail) becomes one candidate."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from plugins.recruitment.models import CHANNELS, Posting, Requisition
from plugins.recruitment.services import RecruitmentError
from plugins.recruitment.services.candidates import apply, check_person, upsert_candidate

MAX_ROWS = 5000
#: Column headings understood, in English or Chinese (job sites export either), and the field they fill.
HEADINGS = {
    "name": "name", "姓名": "name", "phone": "phone", "mobile": "phone", "手机": "phone", "手机号": "phone",
    "电话": "phone", "email": "email", "e-mail": "email", "邮箱": "email", "电子邮箱": "email",
    "education": "education", "学历": "education", "employer": "current_employer",
    "current employer": "current_employer", "当前公司": "current_employer", "目前公司": "current_employer",
    "source": "source_detail", "来源": "source_detail", "cover letter": "cover_letter", "自我介绍": "cover_letter",
}


@dataclass
class ImportResult:
    created: int = 0
    already: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def read_rows(filename: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    from core.identity.importer import ImportFileError, _cell, _decode, _xlsx_rows

    name = (filename or "").lower()
    try:
        if name.endswith(".xlsx"):
            raw = _xlsx_rows(data)
        elif name.endswith(".csv"):
            raw = [list(row) for row in csv.reader(io.StringIO(_decode(data)))]
        else:
            raise RecruitmentError(_("Upload a .csv or .xlsx file."), "file")
    except ImportFileError as exc:
        raise RecruitmentError(str(exc), "file") from exc
    if not raw:
        raise RecruitmentError(_("The file is empty."), "file")
    header = [HEADINGS.get(_cell(h).strip().lower()) for h in raw[0]]
    if "name" not in header or not ({"phone", "email"} & set(header)):
        raise RecruitmentError(_("The first row must name the columns: name (姓名) and phone (手机) or e-mail "
                                 "(邮箱); education, employer, source and cover letter are optional."), "file")
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        cells = {h: _cell(v) for h, v in zip(header, values, strict=False) if h}
        if any(cells.values()):
            rows.append((number, cells))
    if len(rows) > MAX_ROWS:
        raise RecruitmentError(_("At most %(n)d rows per file.", n=MAX_ROWS), "file")
    return rows


def import_applications(session: Any, requisition: Requisition, filename: str, data: bytes, *, channel: str,
                        posting: Posting | None, user: Any) -> ImportResult:
    """Check every row, then (only if all are good) create candidates and applications. The caller commits."""
    if channel not in CHANNELS:
        raise RecruitmentError(_("Choose a channel."), "channel")
    if requisition.state != "approved":
        raise RecruitmentError(_("This position is not open for applications."))
    rows = read_rows(filename, data)
    result = ImportResult()
    for number, cells in rows:
        try:
            check_person(cells.get("name"), cells.get("phone"), cells.get("email"))
        except RecruitmentError as exc:
            result.errors.append((number, str(exc)))
    if result.errors:
        return result
    for _number, cells in rows:
        candidate = upsert_candidate(session, name=cells["name"], phone=cells.get("phone"), email=cells.get("email"),
                                     education=cells.get("education"),
                                     current_employer=cells.get("current_employer"))
        _app, created = apply(session, requisition, candidate, channel=channel, posting=posting,
                              source_detail=cells.get("source_detail"), cover_letter=cells.get("cover_letter"),
                              user=user)
        if created:
            result.created += 1
        else:
            result.already += 1
    return result
