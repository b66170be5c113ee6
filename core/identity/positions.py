"""Labels of the positions (R1.2, R2.1–R2.3, plus the company functions the regulation relies on)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from core.i18n import label_text, source_text
from core.identity.models import POSITIONS

POSITION_LABELS: dict[str, Any] = {
    "sales_rep": _l("Sales representative"),  # R2.1
    "sales_supervisor": _l("Sales supervisor"),  # R2.2
    "sales_manager": _l("Sales manager"),  # R2.3
    "hr": _l("HR"),
    "finance": _l("Finance"),
    "department_head": _l("Department head"),
    "admin": _l("Administrator"),
    "other": _l("Other"),
}
assert set(POSITION_LABELS) == set(POSITIONS)


def position_label(code: str | None) -> str:
    return label_text(POSITION_LABELS.get(code or "other", code or ""))  # once per row of the users list


def position_choices() -> list[tuple[str, str]]:
    return [(code, str(POSITION_LABELS[code])) for code in POSITIONS]


def position_from_text(text: str) -> str | None:
    """The position code for a code, or its label in any of the company's languages (as people type them
    in a spreadsheet)."""
    wanted = text.strip().lower()
    if not wanted:
        return "other"
    names: dict[str, str] = {}
    for code, label in POSITION_LABELS.items():
        names[code] = code
        names[source_text(label).lower()] = code
    for locale in current_app.config.get("LOCALES", ()):
        with force_locale(locale):
            for code, label in POSITION_LABELS.items():
                names.setdefault(str(label).lower(), code)
    return names.get(wanted)
