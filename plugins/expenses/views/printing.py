"""The printable claim form (報銷單) as a PDF, with its receipts appended (plugins.expenses.pdf)."""

from __future__ import annotations

from flask import Response
from flask_babel import force_locale

from core.money import to_chinese_capital
from core.security import require
from core.timeutil import utcnow
from plugins.expenses import platform
from plugins.expenses.labels import PAYMENT_METHOD_LABELS, state_label
from plugins.expenses.pdf import claim_with_receipts
from plugins.expenses.services.categories import category_label
from plugins.expenses.services.workflow import STEPS
from plugins.expenses.views.common import bp, visible_claim_or_404


@bp.get("/claims/<int:claim_id>/print.pdf")
@require("expenses.claim.view")
def claim_pdf(claim_id: int):  # type: ignore[no-untyped-def]
    claim = visible_claim_or_404(claim_id)
    reviews = [e for e in claim.events if e.action in STEPS]
    with force_locale("zh_Hans"):  # the paper form (報銷單) is Chinese whoever prints it
        pdf = claim_with_receipts(claim, reviews=reviews, now=utcnow(), capital=to_chinese_capital(claim.total),
                                  state_label=state_label, category_label=category_label,
                                  local=platform.local_datetime, method_labels=PAYMENT_METHOD_LABELS)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"inline; filename={claim.number}.pdf"
    return response
