"""The offer letter (录用通知书), always in Chinese, printed by the core's WeasyPrint service with the CJK font."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from core.extensions import db
from core.identity.models import Department, User
from core.identity.positions import POSITION_LABELS
from core.money import to_chinese_capital
from plugins.recruitment.models import Application, Offer

TEMPLATE = "recruitment/offer_pdf.html"
PDF_LOCALE = "zh_Hans"


def offer_context(offer: Offer) -> dict[str, Any]:
    application = db.session.get(Application, offer.application_id)
    return {"offer": offer, "candidate": application.candidate, "requisition": application.requisition,
            "department": db.session.get(Department, offer.department_id) if offer.department_id else None,
            "superior": db.session.get(User, offer.superior_id) if offer.superior_id else None,
            "position_label": str(POSITION_LABELS.get(offer.position, "")),
            "capital": to_chinese_capital(offer.salary), "title": "录用通知书"}


def offer_html(offer: Offer) -> str:
    from core.pdf import render_html

    with force_locale(PDF_LOCALE):
        return render_html(TEMPLATE, **offer_context(offer))


def offer_pdf(offer: Offer) -> bytes:
    """The PDF bytes. Raises core.pdf.FontNotFoundError when no CJK font is installed."""
    from core.pdf import render_pdf

    with force_locale(PDF_LOCALE):
        return render_pdf(TEMPLATE, **offer_context(offer))
