"""The quotation PDF (R6.3.1): company header, customer, lines, totals in figures and in Chinese capital numerals
(大写金额), validity and terms, always in Chinese, printed by the core's WeasyPrint service with the CJK font."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from core.extensions import db
from core.money import to_chinese_capital
from plugins.pipeline.models import Deal, Quotation

TEMPLATE = "pipeline/quotation_pdf.html"
PDF_LOCALE = "zh_Hans"


def quotation_context(quotation: Quotation) -> dict[str, Any]:
    deal = db.session.get(Deal, quotation.deal_id)
    return {"quotation": quotation, "deal": deal, "customer": deal.customer, "owner": deal.owner,
            "capital": to_chinese_capital(quotation.total), "title": f"报价单 {quotation.number}"}


def quotation_html(quotation: Quotation) -> str:
    from core.pdf import render_html

    with force_locale(PDF_LOCALE):
        return render_html(TEMPLATE, **quotation_context(quotation))


def quotation_pdf(quotation: Quotation) -> bytes:
    """The PDF bytes. Raises core.pdf.FontNotFoundError when no CJK font is installed."""
    from core.pdf import render_pdf

    with force_locale(PDF_LOCALE):
        return render_pdf(TEMPLATE, **quotation_context(quotation))


def pdf_filename(quotation: Quotation) -> str:
    return f"{quotation.number}-r{quotation.revision}.pdf"
