"""Recruitment reports: funnel per stage and channel, time to fill, time in stage, cost per hire, offer acceptance."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from core.extensions import db
from core.i18n import FixedWords, source_text
from core.security import require
from core.web.params import record_id
from plugins.recruitment.labels import CHANNEL_LABELS, STAGE_LABELS
from plugins.recruitment.services import reports as service
from plugins.recruitment.views.common import REPORTS, bp

#: The page's fixed words (recruitment/reports.html), as ``words["…"]``.
WORDS = (
    _l("Recruitment reports"), _l("Funnel, speed, cost and acceptance (R2.3.2, R3.1)"), _l("Funnel per channel"),
    _l("Channel"), _l("All channels"), _l("Speed"), _l("Average time to fill (days from approval)"),
    _l("Offer acceptance rate"), _l("Stage"), _l("Average days in stage"), _l("Cost per hire per channel"),
    _l("Cost"), _l("Hires"), _l("Cost per hire"), _l("No costs or hires recorded yet."),
)
#: The funnel's columns (service.FUNNEL): applications, then those that reached each later stage.
STEP_WORDS = {"applied": _l("Applications"), "test": _l("Screened"), "interview": _l("Tested"),
              "background": _l("Interviewed"), "offer": _l("Offered"), "hired": _l("Hired")}


#: The labels' msgids by code, for the funnel's steps, the channels and the stages (in the stages' order).
_LABEL_IDS = {name: {code: source_text(label) for code, label in labels.items()}
              for name, labels in (("steps", STEP_WORDS), ("channels", CHANNEL_LABELS), ("stages", STAGE_LABELS))}
#: Every word of the page, by msgid, translated once per locale and process in the recruitment catalogue (issue 18:
#: some thirty catalogue look-ups a page otherwise).
_PAGE_WORDS = FixedWords(*dict.fromkeys([*map(source_text, WORDS), *(
    msgid for ids in _LABEL_IDS.values() for msgid in ids.values())]))


@dataclass(frozen=True)
class PageWords:
    """The page's words in one locale, each as Jinja's ``_()`` or a lazy label drew it (its translation, not
    escaped again)."""

    words: dict[str, Markup]  # by msgid
    steps: dict[str, Markup]
    channels: dict[str, Markup]
    stages: dict[str, Markup]  # in the stages' order


def page_words() -> PageWords:
    """The request's locale's PageWords: the translations core.i18n.FixedWords keeps, by code for the labels."""
    words = _PAGE_WORDS()
    steps, channels, stages = ({code: words[msgid] for code, msgid in _LABEL_IDS[name].items()}
                               for name in ("steps", "channels", "stages"))
    return PageWords(words=words, steps=steps, channels=channels, stages=stages)


@bp.get("/reports")
@require(REPORTS)
def reports():  # type: ignore[no-untyped-def]
    requisition_id = record_id(request.args.get("requisition_id"))
    accepted, answered, rate = service.offer_acceptance(db.session, current_user)
    text = page_words()
    return render_template("recruitment/reports.html", funnel=service.funnel(db.session, current_user, requisition_id),
                           steps=service.FUNNEL, time_in_stage=service.time_in_stage(db.session, current_user),
                           time_to_fill=service.time_to_fill(db.session, current_user),
                           cost=service.cost_per_hire(db.session, current_user), accepted=accepted,
                           answered=answered, rate=rate, text=text, words=text.words)
