"""The recruitment blueprints and what their page modules share: scoped lookups, labels, the static files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, send_from_directory
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import lazyload

from core.i18n import FixedWords, source_text
from core.security import can, get_scoped_or_404, public
from core.web.navigation import endpoint_url
from plugins.recruitment import labels
from plugins.recruitment.models import Application, Requisition

PLUGIN_DIR = Path(__file__).resolve().parent.parent
bp = Blueprint("recruitment", __name__, url_prefix="/recruitment", template_folder=str(PLUGIN_DIR / "templates"))
#: Pages for applicants, without signing in: the careers page, the application form, the written test.
public_bp = Blueprint("recruitment_public", __name__, url_prefix="/careers",
                      template_folder=str(PLUGIN_DIR / "templates"))

REQ_VIEW, REQ_CREATE = "recruitment.requisition.view", "recruitment.requisition.create"
APP_VIEW, APP_MANAGE = "recruitment.application.view", "recruitment.application.manage"
INTERVIEW = "recruitment.interview"
POSTING_MANAGE = "recruitment.posting.manage"
REPORTS = "recruitment.report.view"
HIRE = "recruitment.hire"
PRIVACY = "recruitment.privacy"


@bp.app_context_processor
def recruitment_template_helpers() -> dict[str, Any]:
    from core.identity.positions import position_label

    return {"rlabels": labels.ALL, "rcan": may, "rtabs": tabs, "position_label": position_label}


@bp.get("/assets/<path:filename>")
@public
def asset(filename: str):  # type: ignore[no-untyped-def]
    """The plugin's static files (no inline scripts or styles under the CSP)."""
    return send_from_directory(PLUGIN_DIR / "static" / "recruitment", filename, max_age=3600)


#: The recruitment pages' tabs (recruitment/_macros.html nav): endpoint, label, the permission that shows it.
TABS = (
    ("recruitment.requisitions", _l("Hiring plans"), REQ_VIEW),
    ("recruitment.candidates", _l("Candidates"), APP_VIEW),
    ("recruitment.my_interviews", _l("My interviews"), INTERVIEW),
    ("recruitment.papers", _l("Written tests"), APP_MANAGE),
    ("recruitment.postings", _l("Postings and costs"), POSTING_MANAGE),
    ("recruitment.reports", _l("Reports"), REPORTS),
)
TABS_LABEL = _l("Recruitment")


#: The tabs' msgids (their list's label first) and words, translated once per locale and process (FixedWords).
_TAB_IDS = (source_text(TABS_LABEL), *(source_text(label) for _endpoint, label, _permission in TABS))
_TAB_WORDS = FixedWords(*_TAB_IDS)


@dataclass(frozen=True)
class Tabs:
    """The tabs in one locale and under one script root: their list's label and (endpoint, URL, label,
    permission) each, labels as Jinja's ``_()`` drew them (the translation, not escaped again)."""

    label: Markup
    items: tuple[tuple[str, str, Markup, str], ...]


def tabs() -> Tabs:
    """The request's Tabs (issue 18: a catalogue look-up and a ``url_for`` per tab on every recruitment page): the
    labels kept per locale (FixedWords), the URLs per script root (core.web.navigation.endpoint_url, as the menu's).
    Whether a tab is drawn is asked at each request (``may``)."""
    words = _TAB_WORDS()
    drawn = zip(TABS, _TAB_IDS[1:], strict=True)
    return Tabs(words[_TAB_IDS[0]], tuple((endpoint, endpoint_url(endpoint) or "", words[msgid], permission)
                                          for (endpoint, _label, permission), msgid in drawn))


def may(permission: str, obj: Any = None) -> bool:
    return can(current_user, permission, obj)


def requisition_or_404(requisition_id: int, permission: str = REQ_VIEW, *, bare: bool = False) -> Requisition:
    """The hiring plan if the user may reach it, else 404. ``bare``: without its eager relationships (the requester
    with their roles and grants, the requirements), for a page that draws none of them: the board read three
    statements and some 70 objects for nothing. Anything that reads one still gets it, lazily."""
    return get_scoped_or_404(Requisition, requisition_id, permission, options=(lazyload("*"),) if bare else ())


def application_or_404(application_id: int, permission: str = APP_VIEW) -> Application:
    return get_scoped_or_404(Application, application_id, permission)
