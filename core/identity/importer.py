"""Importing people from a CSV or XLSX file: every row is checked first, and either all rows are created or none
(issue 3: a per-row report of what was wrong, nothing half-imported)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.identity.access import grantable_role_codes
from core.identity.models import Department, Role, User
from core.identity.positions import position_from_text
from core.identity.users import EMAIL_PATTERN, LOGIN_PATTERN, UserError, announce_hire, create_user

COLUMNS = ("login", "name", "email", "phone", "position", "department", "superior_login", "hire_date", "roles")
REQUIRED_COLUMNS = ("login", "name")
MAX_ROWS = 5000
ROLE_SEPARATORS = re.compile(r"[,;，；\s]+")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong type, bad encoding, missing columns)."""


@dataclass
class RowReport:
    line: int
    login: str
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[RowReport]
    dry_run: bool
    created: int = 0

    @property
    def ok(self) -> bool:
        return not any(row.errors for row in self.rows)

    @property
    def error_rows(self) -> list[RowReport]:
        return [row for row in self.rows if row.errors]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers typed into Excel become numbers
    return str(value).strip()


def _decode(data: bytes) -> str:
    # Excel on Chinese Windows saves CSV in GBK; everything else in UTF-8 (often with a BOM).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file is neither UTF-8 nor GBK text."))


def read_table(filename: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: text}) for each non-empty row of a .csv or .xlsx file."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        raw = _xlsx_rows(data)
    elif name.endswith(".csv"):
        raw = [list(row) for row in csv.reader(io.StringIO(_decode(data)))]
    else:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    if not raw:
        raise ImportFileError(_("The file is empty."))
    header = [_cell(h).lower() for h in raw[0]]
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise ImportFileError(_("Unknown columns: %(columns)s. The columns are: %(expected)s.",
                                columns=", ".join(unknown), expected=", ".join(COLUMNS)))
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ImportFileError(_("Missing columns: %(columns)s.", columns=", ".join(missing)))
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        cells = {h: _cell(v) for h, v in zip(header, values, strict=False) if h}
        if any(cells.values()):
            rows.append((number, cells))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("At most %(n)d people per file.", n=MAX_ROWS))
    return rows


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise ImportFileError(_("This is not a readable .xlsx file.")) from exc
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _parse_date(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


@dataclass
class _Row:
    report: RowReport
    fields: dict[str, Any]
    roles: list[str]
    superior_login: str


def _check_rows(session: Any, table: list[tuple[int, dict[str, str]]], actor: Any = None) -> list[_Row]:
    logins = [cells.get("login", "") for _, cells in table]
    lowered = {login.lower() for login in logins if login}
    referenced = {cells.get("superior_login", "").lower() for _, cells in table} - {""}
    # A fixed number of look-ups for the whole file, whatever its length.
    taken = set(session.scalars(select(func.lower(User.login)).where(func.lower(User.login).in_(lowered))))
    existing_superiors = {
        login.lower(): user_id
        for login, user_id in session.execute(
            select(User.login, User.id).where(func.lower(User.login).in_(referenced)))
    }
    departments = {name.lower(): dept_id for name, dept_id in session.execute(select(Department.name, Department.id))}
    roles = set(session.scalars(select(Role.code)))
    # Roles the importing person may give (issue 11 F1); a trusted caller (actor None) may give any.
    grantable = roles if actor is None else grantable_role_codes(session, actor)
    seen: set[str] = set()
    checked = []
    for line, cells in table:
        login = cells.get("login", "")
        report = RowReport(line=line, login=login)
        errors = report.errors
        if not LOGIN_PATTERN.match(login):
            errors.append(_("login: 1 to 64 letters, digits or . _ @ - are required."))
        elif login.lower() in taken:
            errors.append(_("login: %(login)s is already taken.", login=login))
        elif login.lower() in seen:
            errors.append(_("login: %(login)s appears twice in the file.", login=login))
        seen.add(login.lower())
        name = cells.get("name", "")
        if not name or len(name) > 120:
            errors.append(_("name: a name of 1 to 120 characters is required."))
        email = cells.get("email", "")
        if email and (len(email) > 200 or not EMAIL_PATTERN.match(email)):
            errors.append(_("email: %(value)s is not a valid e-mail address.", value=email))
        phone = cells.get("phone", "")
        if len(phone) > 40:
            errors.append(_("phone: at most 40 characters."))
        position = position_from_text(cells.get("position", ""))
        if position is None:
            errors.append(_("position: unknown position %(value)s.", value=cells.get("position")))
        department_name = cells.get("department", "")
        department_id = departments.get(department_name.lower()) if department_name else None
        if department_name and department_id is None:
            errors.append(_("department: no department is called %(value)s.", value=department_name))
        hire_text = cells.get("hire_date", "")
        hire_date = _parse_date(hire_text) if hire_text else None
        if hire_text and hire_date is None:
            errors.append(_("hire_date: %(value)s is not a date like 2026-03-01.", value=hire_text))
        role_codes = [code for code in ROLE_SEPARATORS.split(cells.get("roles", "")) if code]
        unknown_roles = [code for code in role_codes if code not in roles]
        if unknown_roles:
            errors.append(_("roles: unknown roles %(value)s.", value=", ".join(unknown_roles)))
        beyond = [code for code in role_codes if code in roles and code not in grantable]
        if beyond:
            errors.append(_("roles: you may not give the roles %(value)s: they grant what you do not hold.",
                            value=", ".join(beyond)))
        superior = cells.get("superior_login", "")
        if superior:
            if superior.lower() == login.lower():
                errors.append(_("superior_login: a person cannot be their own superior."))
            elif superior.lower() not in existing_superiors and superior.lower() not in lowered:
                errors.append(_("superior_login: nobody has the login %(value)s.", value=superior))
        fields = {"login": login, "name": name, "email": email or None, "phone": phone or None,
                  "position": position or "other", "department_id": department_id, "hire_date": hire_date}
        checked.append(_Row(report, fields, role_codes, superior.lower()))
    _check_cycles(checked)
    return checked


def _check_cycles(rows: list[_Row]) -> None:
    """New people can only form a circle among themselves (existing people never report to them)."""
    superior_of = {row.fields["login"].lower(): row.superior_login for row in rows if row.superior_login}
    for row in rows:
        login = row.fields["login"].lower()
        current, steps = superior_of.get(login), 0
        while current and steps <= len(superior_of):
            if current == login:
                row.report.errors.append(_("superior_login: the reporting lines in the file form a circle."))
                break
            current, steps = superior_of.get(current), steps + 1


def import_users(session: Any, filename: str, data: bytes, dry_run: bool = False, actor: Any = None) -> ImportReport:
    """Check every row; unless it is a dry run and if no row has an error, create them all (flushed, not
    committed: the caller commits). Raises ImportFileError when the file itself cannot be read.

    ``actor``: the importing person, who may give only the roles they could give on the form (None: trusted)."""
    rows = _check_rows(session, read_table(filename, data), actor)
    report = ImportReport(rows=[row.report for row in rows], dry_run=dry_run)
    if dry_run or not report.ok or not rows:
        return report
    created: dict[str, User] = {}
    try:
        for row in rows:
            created[row.fields["login"].lower()] = create_user(session, roles=row.roles, actor=actor, **row.fields)
        superiors = {login.lower(): user_id for login, user_id in session.execute(
            select(User.login, User.id).where(func.lower(User.login).in_(
                {row.superior_login for row in rows if row.superior_login})))}
        for row in rows:
            if row.superior_login:
                created[row.fields["login"].lower()].superior_id = superiors[row.superior_login]
        session.flush()
        for user in created.values():
            announce_hire(user)  # superiors known: onboarding tells them
    except UserError as exc:  # a concurrent change since the check: report it, save nothing
        session.rollback()
        rows[0].report.errors.append(str(exc))
        report.created = 0
        return report
    report.created = len(created)
    return report
