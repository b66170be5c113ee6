"""The regulation's clauses: seeding from the shipped copy, editing, and what serves each clause."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.contracts import ComplianceCheck, ComplianceResult, MenuItem
from core.extensions import db
from core.regulation.models import RegulationClause
from core.regulation.parser import clean, parent_ids, parse_source

log = logging.getLogger(__name__)

MAX_TITLE = 200
MAX_TEXT = 20000


class ClauseError(ValueError):
    """An edit that is refused: {field: message}."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def ensure_seeded(session: Any) -> int:
    """On first use, fill the table from core/regulation/REGULATION.md. Returns how many clauses were added.

    Idempotent and safe when two processes start at once: the unique clause id lets only one of them in."""
    if session.scalar(select(func.count()).select_from(RegulationClause)):
        return 0
    clauses = parse_source()
    try:
        for order, clause in enumerate(clauses):
            session.add(RegulationClause(clause_id=clause.clause_id, title_zh=clause.title_zh,
                                         title_en=clause.title_en, text_zh=clause.text_zh,
                                         text_en=clause.text_en, sort_order=order * 10))
        session.commit()
    except IntegrityError:
        session.rollback()  # another process seeded it meanwhile
        return 0
    return len(clauses)


_refreshed_in_this_process = False


def refresh_unedited(session: Any) -> int:
    """Bring clauses the company never edited up to the shipped wording (once per process): a copy seeded by an
    older release kept its notes about the source and cut off the long items beyond it. Edited clauses are the
    company's and stay as they are. Idempotent, so several processes may do it at once."""
    global _refreshed_in_this_process
    if _refreshed_in_this_process:
        return 0
    shipped = {c.clause_id: c for c in parse_source()}
    changed = 0
    for row in session.scalars(select(RegulationClause).where(RegulationClause.updated_by_id.is_(None))):
        fresh = shipped.get(row.clause_id)
        if fresh is None:
            continue
        for name in ("title_zh", "title_en", "text_zh", "text_en"):
            if getattr(row, name) != getattr(fresh, name):
                setattr(row, name, getattr(fresh, name))
                changed += 1
    session.commit()
    _refreshed_in_this_process = True
    return changed


def all_clauses(session: Any) -> list[RegulationClause]:
    return list(session.scalars(select(RegulationClause).order_by(RegulationClause.sort_order,
                                                                  RegulationClause.id)))


def get_clause(session: Any, clause_id: str) -> RegulationClause | None:
    return session.scalar(select(RegulationClause).where(RegulationClause.clause_id == clause_id))


def update_clause(clause: RegulationClause, user: Any, *, title_zh: str, title_en: str, text_zh: str,
                  text_en: str) -> RegulationClause:
    """Change a clause's wording (the audit trail records who changed what); the caller commits."""
    values = {"title_zh": title_zh.strip(), "title_en": title_en.strip(),
              "text_zh": text_zh.strip(), "text_en": text_en.strip()}
    errors: dict[str, str] = {}
    for name in ("title_zh", "title_en"):
        if len(values[name]) > MAX_TITLE:
            errors[name] = _("At most %(max)d characters.", max=MAX_TITLE)
    for name in ("text_zh", "text_en"):
        if len(values[name]) > MAX_TEXT:
            errors[name] = _("At most %(max)d characters.", max=MAX_TEXT)
    if not any(values.values()):
        errors["title_zh"] = _("A clause needs a title or a text in at least one language.")
    if errors:
        raise ClauseError(errors)
    for name, value in values.items():
        setattr(clause, name, value)
    clause.updated_by_id = user.id
    db.session.flush()
    return clause


# ---------------------------------------------------------------------------------------------------- what serves a clause


@dataclass
class ServingPlugin:
    name: str
    title: str
    #: The manifest clause that matched: the clause itself or one of its parents.
    via: str
    #: The module's first page the reader may open (its first menu entry), if any.
    url: str | None = None


@dataclass
class CheckFigure:
    plugin: str
    check: ComplianceCheck
    #: None when measuring failed: the page shows the figure as unavailable.
    result: ComplianceResult | None


@dataclass
class ClauseView:
    clause: RegulationClause
    plugins: list[ServingPlugin] = field(default_factory=list)
    checks: list[CheckFigure] = field(default_factory=list)


@dataclass
class RegulationView:
    clauses: list[ClauseView]
    #: Checks whose clause is not in the company's copy (shown apart, not dropped).
    unplaced: list[CheckFigure] = field(default_factory=list)


def _serving(clause_id: str, locale: str, entry_pages: dict[str, str]) -> list[ServingPlugin]:
    engine = current_app.extensions["netsales"]
    wanted = [clause_id, *parent_ids(clause_id)]
    serving = []
    for name in engine.active_names():
        manifest = engine.plugins[name].manifest
        via = next((c for c in wanted if c in manifest.clauses), None)
        if via:
            serving.append(ServingPlugin(name, manifest.title_for(locale), via, entry_pages.get(name)))
    return serving


def entry_pages(user: Any) -> dict[str, str]:
    """{module: the URL of its first menu entry ``user`` may open}: where a clause's chip leads (R14: each clause
    links to the features that serve it). One menu build for the whole page."""
    from core.web.navigation import menu_for

    engine = current_app.extensions["netsales"]
    menu = menu_for(user)  # what the reader may open, in menu order
    pages: dict[str, str] = {}
    for name in engine.active_names():
        keys = {item.key for item in engine.collect("menu_items", MenuItem, only=name, user=user)}
        first = next((item for item in menu if item["key"] in keys), None)
        if first is not None:
            pages[name] = first["url"]
    return pages


def _measure(plugin: str, check: ComplianceCheck) -> CheckFigure:
    """Run one check; one that raises (or returns something else) is unavailable and the page still renders.

    A savepoint keeps a failed query from spoiling the request's transaction (PostgreSQL aborts it otherwise)."""
    try:
        with db.session.begin_nested():
            result = check.measure()
        if not isinstance(result, ComplianceResult):
            raise TypeError(f"measure returned {type(result).__name__}, not ComplianceResult")
    except Exception:  # a plugin's measure may fail in any way; the regulation page must not
        log.exception("compliance check %s of %s failed", check.key, plugin)
        result = None
    return CheckFigure(plugin, check, result)


def compliance_figures() -> list[CheckFigure]:
    """Every active plugin's compliance checks (and the core's), measured now."""
    engine = current_app.extensions["netsales"]
    figures = []
    for name in ["core", *engine.active_names()]:
        for answer in engine.call("compliance_checks", only=name):
            for check in answer if isinstance(answer, list | tuple) else [answer]:
                if isinstance(check, ComplianceCheck):
                    figures.append(_measure(name, check))
    return figures


def regulation_view(session: Any, locale: str, user: Any = None) -> RegulationView:
    """The clauses in order, each with the plugins that serve it (linked to their pages for ``user``) and the live
    figures of its checks."""
    pages = entry_pages(user) if user is not None else {}
    views = [ClauseView(clause, _serving(clause.clause_id, locale, pages)) for clause in all_clauses(session)]
    by_id = {view.clause.clause_id: view for view in views}
    unplaced = []
    for figure in compliance_figures():
        target = next((by_id[c] for c in [figure.check.clause, *parent_ids(figure.check.clause)] if c in by_id),
                      None)
        if target is None:
            unplaced.append(figure)
        else:
            target.checks.append(figure)
    return RegulationView(views, unplaced)


# ---------------------------------------------------------------------------------------------------- display

_converter: Any = None


def simplified(text: str) -> str:
    """Traditional characters as Simplified (the source regulation is in Traditional; the zh_Hans page is not)."""
    global _converter
    if not text:
        return text
    if _converter is None:
        from opencc_purepy import OpenCC

        _converter = OpenCC("t2s")
    return _simplified_cached(text)


@functools.lru_cache(maxsize=2048)
def _simplified_cached(text: str) -> str:
    return str(_converter.convert(text))


def display_title(clause: RegulationClause, locale: str, original: bool = False) -> str:
    """The clause's title as the page shows it: the reader's language, Simplified in zh_Hans unless the original
    script is asked for, without the document's notes."""
    title = clean(clause.title_for(locale))
    return title if original or not locale.startswith("zh") else simplified(title)


def display_text(clause: RegulationClause, locale: str, original: bool = False) -> str:
    text = clean(clause.text_for(locale))
    return text if original or not locale.startswith("zh") else simplified(text)
