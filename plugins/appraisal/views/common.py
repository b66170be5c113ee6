"""The appraisal blueprint and what its page modules share: record lookups within the reader's reach (404 outside
it), period labels, numbers typed into forms, the static files."""

from __future__ import annotations

from functools import cache, cached_property
from pathlib import Path
from typing import Any

from babel.dates import format_skeleton
from flask import Blueprint, abort, has_request_context, send_from_directory
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import bindparam, select

from core.extensions import db
from core.i18n import label_text as core_label_text
from core.identity.positions import POSITION_LABELS
from core.security import can, public, scope_for, team_ids
from core.web.params import record_id
from plugins.appraisal.labels import (
    CUSTOMER_SOURCE_LABELS,
    CYCLE_KIND_LABELS,
    EVENT_LABELS,
    INDICATOR_KIND_LABELS,
    RECORD_LABELS,
    RULE_LABELS,
    SOURCE_LABELS,
    STATE_LABELS,
    grade_labels,
)
from plugins.appraisal.models import Appraisal, Cycle
from plugins.appraisal.permissions import VIEW
from plugins.appraisal.services.appraisals import may_calibrate, may_review

PLUGIN_DIR = Path(__file__).resolve().parent.parent
bp = Blueprint("appraisal", __name__, url_prefix="/appraisal", template_folder=str(PLUGIN_DIR / "templates"))


#: Texts kept per (locale, …): the catalogues and babel's data never change while a process runs (issue 18: a
#: page drew a period's name for each of its 36 cycles, and translated a dozen lazy labels, at every request).
MAX_KEPT_TEXTS = 4096
_PERIOD_TEXTS: dict[tuple[str, str, Any], str] = {}


def _period_text(kind: str, start: Any) -> str:
    if kind == "annual":
        return _("Year %(year)s", year=start.year)
    return format_skeleton("yMMM", start, locale=get_locale())


def period_text(kind: str, start: Any) -> str:
    """"2026年11月" / "Nov 2026" for a month; "2026年度" / "Year 2026" for a year."""
    if not has_request_context():
        return _period_text(kind, start)
    key = (str(get_locale()), kind, start)
    text = _PERIOD_TEXTS.get(key)
    if text is None:
        if len(_PERIOD_TEXTS) >= MAX_KEPT_TEXTS:
            _PERIOD_TEXTS.clear()
        text = _PERIOD_TEXTS[key] = _period_text(kind, start)
    return text


def label_text(label: Any) -> str:
    """``str(label)`` in the request's language; a lazily translated label is translated once per locale and
    process (core.i18n.label_text, in this plugin's catalogue first)."""
    return core_label_text(label)


def trusted_label(label: Any) -> Any:
    """A label as a template draws it: a lazy string unescaped (its ``__html__``), so its kept translation as
    Markup; anything else (a name typed in the settings) as it is, escaped when drawn."""
    return Markup(label_text(label)) if isinstance(label, LazyString) else label


class TextLabels:
    """The labels as plain text in the current language, each group translated on first use in a render, so that
    a list's rows read a dict instead of translating a lazy string per cell."""

    GROUPS = {"state": lambda: STATE_LABELS, "grade": grade_labels, "kind": lambda: CYCLE_KIND_LABELS}

    def __getattr__(self, group: str) -> dict[str, str]:
        if group not in self.GROUPS:
            raise AttributeError(group)
        texts = {code: label_text(label) for code, label in self.GROUPS[group]().items()}
        setattr(self, group, texts)
        return texts


class LabelGroups:
    """``appraisal_labels.state[code]`` and friends in templates. The grade names come from the settings, read only
    when a page shows a grade: this helper is offered to every page of the application."""

    state, kind, indicator, rule = STATE_LABELS, CYCLE_KIND_LABELS, INDICATOR_KIND_LABELS, RULE_LABELS
    source, event, record, position = SOURCE_LABELS, EVENT_LABELS, RECORD_LABELS, POSITION_LABELS
    customer_source = CUSTOMER_SOURCE_LABELS

    @cached_property
    def grade(self) -> dict[str, Any]:
        return {code: trusted_label(label) for code, label in grade_labels().items()}


@bp.app_context_processor
def appraisal_template_helpers() -> dict[str, Any]:
    return {"appraisal_labels": LabelGroups(), "appraisal_period": period_text, "appraisal_text": TextLabels()}


@bp.get("/assets/<path:filename>")
@public
def asset(filename: str):  # type: ignore[no-untyped-def]
    """The plugin's static files (scripts and styles: no inline ones under the CSP)."""
    return send_from_directory(PLUGIN_DIR / "static" / "appraisal", filename, max_age=3600)


def appraisal_or_404(appraisal_id: Any) -> Appraisal:
    """The appraisal if the reader may see it: within their view scope, or theirs to review or calibrate."""
    ident = record_id(appraisal_id)
    appraisal = db.session.get(Appraisal, ident) if ident else None
    if appraisal is None:
        abort(404)
    if not (can(current_user, VIEW, appraisal) or may_review(current_user, appraisal)
            or may_calibrate(current_user, appraisal)):
        abort(404)
    return appraisal


def may_see_person(user: Any, person_id: int) -> bool:
    scope = scope_for(user, VIEW)
    if scope == "all":
        return True
    if scope == "team":
        return person_id in team_ids(user)
    return scope == "own" and person_id == user.id


#: How many cycles the period picker offers, the latest first (LATEST_FIRST).
CYCLE_CHOICES = 36
LATEST_FIRST = (Cycle.period_start.desc(), Cycle.kind.desc())


def cycle_from(raw: Any) -> Cycle | None:
    """The cycle asked for, else the latest one."""
    ident = record_id(raw)
    if ident:
        cycle = db.session.get(Cycle, ident)
        if cycle is not None:
            return cycle
    return db.session.scalars(select(Cycle).order_by(*LATEST_FIRST).limit(1)).first()


def cycle_choices(limit: int = CYCLE_CHOICES) -> list[tuple[int, str]]:
    rows = db.session.execute(select(Cycle.id, Cycle.kind, Cycle.period_start)
                              .order_by(*LATEST_FIRST).limit(limit)).all()
    return [(cid, period_text(kind, start)) for cid, kind, start in rows]


@cache
def _cycle_rows() -> tuple[Any, Any]:
    """The latest cycles (the picker's), and one cycle by its id, built once: what a page shows of its cycle (the
    overview's heading and details, the on-time count's closing moment) read with the picker's rows."""
    columns = (Cycle.id, Cycle.kind, Cycle.period_start, Cycle.due_on, Cycle.closes_at, Cycle.pulled_at)
    return (select(*columns).order_by(*LATEST_FIRST).limit(CYCLE_CHOICES),
            select(*columns).where(Cycle.id == bindparam("cycle_id")))


def cycle_and_choices(raw: Any) -> tuple[Any, list[tuple[int, str]]]:
    """The cycle asked for, else the latest one (as cycle_from; a plain row of id, kind, period_start, due_on,
    closes_at and pulled_at), and the picker's choices (as cycle_choices): one statement, two for a cycle older than
    the picker's CYCLE_CHOICES latest."""
    connection = db.session.connection()
    latest, by_id = _cycle_rows()
    rows = connection.execute(latest).all()
    ident = record_id(raw)
    cycle = next((row for row in rows if row.id == ident), None) if ident else None
    if cycle is None and ident and len(rows) == CYCLE_CHOICES:  # fewer: every cycle is among them
        cycle = connection.execute(by_id, {"cycle_id": ident}).first()
    if cycle is None and rows:
        cycle = rows[0]
    return cycle, [(row.id, period_text(row.kind, row.period_start)) for row in rows]
