"""Reading the appraisal's forms: numbers typed by people, the 1-5 ratings, the template editor's rows. Each
answers None or a message for the field instead of raising, so a page never answers 500 on what someone typed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from core.web.params import record_id, whole_number
from plugins.appraisal.services import AppraisalError
from plugins.appraisal.services.templates import MAX_INDICATORS, IndicatorInput

#: Empty indicator rows offered under the template's own.
BLANK_ROWS = 3


def decimal_from(raw: Any) -> tuple[Decimal | None, bool]:
    """(value, ok) of a number typed into a form: empty is (None, True); garbage is (None, False)."""
    text = (raw or "").strip().replace(",", "").rstrip("%") if isinstance(raw, str) else ""
    if not text:
        return None, True
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None, False
    if not value.is_finite() or abs(value) >= 10**12:
        return None, False
    return value, True


def version_from(form: Any) -> int | None:
    """The appraisal version the person saw (the concurrency guard), or None."""
    return record_id(form.get("version"))


def ratings(appraisal: Any, form: Any) -> dict[int, int | None]:
    """{indicator id: 1-5 or None} for the appraisal's behaviour indicators."""
    found: dict[int, int | None] = {}
    for score in appraisal.scores:
        if score.indicator.kind == "behaviour":
            found[score.indicator_id] = whole_number(form.get(f"rating-{score.indicator_id}"), 1, 5)
    return found


def score_field(form: Any) -> Decimal | None:
    """An optional score typed to calibrate or decide an appeal; raises AppraisalError on the field."""
    value, ok = decimal_from(form.get("score"))
    if not ok:
        raise AppraisalError(_("Enter a number, such as 85.5."), "score")
    return value


def indicator_rows(form: Any) -> tuple[list[IndicatorInput], dict[tuple[int | None, str], str]]:
    """The indicator rows typed in (blank rows dropped); numbers that are not numbers are reported per field."""
    rows: list[IndicatorInput] = []
    errors: dict[tuple[int | None, str], str] = {}
    for i in range(MAX_INDICATORS + BLANK_ROWS):
        name = (form.get(f"rows-{i}-name") or "").strip()
        if not name and not (form.get(f"rows-{i}-weight") or "").strip():
            continue
        index = len(rows)
        numbers = {}
        for field in ("weight", "target", "cap"):
            value, ok = decimal_from(form.get(f"rows-{i}-{field}"))
            if not ok:
                errors[(index, field)] = _("Enter a number, such as 12.5.")
            numbers[field] = value
        rows.append(IndicatorInput(
            kind=form.get(f"rows-{i}-kind") or "", name=name[:120], weight=numbers["weight"],
            kpi_key=form.get(f"rows-{i}-kpi_key") or None, team_total=form.get(f"rows-{i}-team_total") == "1",
            target=numbers["target"],
            rule=form.get(f"rows-{i}-rule") or "linear", cap=numbers["cap"],
            bands=(form.get(f"rows-{i}-bands") or "")[:300], anchors=(form.get(f"rows-{i}-anchors") or "")[:4000]))
    return rows, errors
