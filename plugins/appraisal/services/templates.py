"""Appraisal templates per position (R4.1): result indicators bound to KPIs, behaviour indicators with anchored
1-5 descriptions, weights totalling 100 %. Saving never changes a version in use: it writes the next version."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.identity.models import POSITIONS
from plugins.appraisal.models import Indicator, Template
from plugins.appraisal.services import AppraisalError
from plugins.appraisal.services.scoring import HUNDRED, parse_bands

MAX_INDICATORS = 12


@dataclass
class IndicatorInput:
    kind: str
    name: str
    weight: Decimal | None
    kpi_key: str | None = None
    team_total: bool = False
    target: Decimal | None = None
    rule: str | None = "linear"
    cap: Decimal | None = None
    bands: str | None = None
    anchors: str | None = None


class TemplateError(AppraisalError):
    """Problems of a template form: ``errors`` maps (row or None, field) to a message."""

    def __init__(self, errors: dict[tuple[int | None, str], str]) -> None:
        super().__init__(next(iter(errors.values())))
        self.errors = errors


def current_template(session: Any, position: str) -> Template | None:
    return session.scalar(select(Template).where(Template.position == position, Template.current.is_(True)))


def anchor_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def check(position: str, name: str, rows: list[IndicatorInput], kpis: dict[str, Any]) -> dict[tuple[int | None, str], str]:
    """Every problem of a template, by row and field (None row: the template itself)."""
    errors: dict[tuple[int | None, str], str] = {}
    if position not in POSITIONS:
        errors[(None, "position")] = _("Choose a position.")
    if not (name or "").strip():
        errors[(None, "name")] = _("Give the template a name.")
    if not rows:
        errors[(None, "weights")] = _("Add at least one indicator.")
    if len(rows) > MAX_INDICATORS:
        errors[(None, "weights")] = _("At most %(n)s indicators.", n=MAX_INDICATORS)
    total = Decimal("0")
    for i, row in enumerate(rows):
        if not row.name.strip():
            errors[(i, "name")] = _("Name the indicator.")
        if row.weight is None or not row.weight.is_finite() or not Decimal("0") < row.weight <= HUNDRED:
            errors[(i, "weight")] = _("A weight between 0 and 100 (%).")
        else:
            total += row.weight
        if row.kind == "result":
            if not row.kpi_key:
                errors[(i, "kpi_key")] = _("Choose the result this indicator measures.")
            elif row.kpi_key not in kpis:
                errors[(i, "kpi_key")] = _("This result is not available: the module that provides it is off.")
            if row.target is None or not row.target.is_finite() or row.target <= 0 or row.target >= 10**12:
                errors[(i, "target")] = _("A target above 0.")
            if row.rule == "bands":
                try:
                    parse_bands(row.bands or "")
                except ValueError:
                    errors[(i, "bands")] = _("Write bands as achievement%:score pairs, e.g. 120:120, 100:100, 80:70, 0:0.")
            elif row.rule == "linear":
                if row.cap is None or not row.cap.is_finite() or not HUNDRED <= row.cap <= Decimal("200"):
                    errors[(i, "cap")] = _("A cap between 100 and 200 (%).")
            else:
                errors[(i, "rule")] = _("Choose a scoring rule.")
        elif row.kind == "behaviour":
            if len(anchor_lines(row.anchors)) != 5:
                errors[(i, "anchors")] = _("Describe each of the five levels, one line each, 1 first.")
        else:
            errors[(i, "kind")] = _("Choose result or behaviour.")
    if rows and (None, "weights") not in errors and total != HUNDRED:
        shown = format(total.normalize(), "f")
        errors[(None, "weights")] = _("The weights add up to %(total)s %%; they must add up to 100 %%.", total=shown)
    return errors


def save_template(session: Any, user: Any, position: str, name: str, rows: list[IndicatorInput],
                  kpis: dict[str, Any], note: str | None = None) -> Template:
    """Write the next version of ``position``'s template and make it current. Appraisals already opened keep the
    version they have. Raises TemplateError (nothing saved)."""
    errors = check(position, name, rows, kpis)
    if errors:
        raise TemplateError(errors)
    latest = session.scalar(select(func.max(Template.version)).where(Template.position == position)) or 0
    session.execute(update(Template).where(Template.position == position, Template.current.is_(True))
                    .values(current=False))
    template = Template(position=position, version=latest + 1, name=name.strip(), current=True, note=note,
                        created_by_id=getattr(user, "id", None))
    for i, row in enumerate(rows, start=1):
        result = row.kind == "result"
        template.indicators.append(Indicator(
            position=i, kind=row.kind, name=row.name.strip(), weight=row.weight,
            kpi_key=row.kpi_key if result else None, team_total=bool(row.team_total and result),
            target=row.target if result else None,
            rule=row.rule if result else None, cap=row.cap if result and row.rule == "linear" else None,
            bands=row.bands.strip() if result and row.rule == "bands" and row.bands else None,
            anchors="\n".join(anchor_lines(row.anchors)) if not result else None))
    session.add(template)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # two people saved the same position's template at once: the other one won
        raise TemplateError({(None, "name"): _("Someone saved this template meanwhile; reload and try again.")}) \
            from None
    return template


def rows_of(template: Template) -> list[IndicatorInput]:
    return [IndicatorInput(kind=i.kind, name=i.name, weight=i.weight, kpi_key=i.kpi_key, team_total=i.team_total,
                           target=i.target,
                           rule=i.rule or "linear", cap=i.cap, bands=i.bands, anchors=i.anchors)
            for i in template.indicators]
