"""PDFs: one appraisal (indicators, the three evaluations, the result, places for the signatures) and the bonus
table signed off for payroll (R4.4.1). Printed by the core's WeasyPrint service with the CJK font, in the reader's
language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from plugins.appraisal.models import Appraisal, Cycle

APPRAISAL_TEMPLATE = "appraisal/appraisal_pdf.html"
BONUS_TEMPLATE = "appraisal/bonus_pdf.html"


def appraisal_context(appraisal: Appraisal) -> dict[str, Any]:
    from plugins.appraisal.labels import SOURCE_LABELS
    from plugins.appraisal.services.scoring import effective_weights
    from plugins.appraisal.settings import weights

    missing = appraisal.missing_sources.split(",") if appraisal.missing_sources else []
    return {"appraisal": appraisal, "weights": weights(), "applied": effective_weights(weights(), missing),
            "missing": missing, "missing_labels": [str(SOURCE_LABELS.get(name, "")) for name in missing]}


def appraisal_html(appraisal: Appraisal) -> str:
    from core.pdf import render_html

    return render_html(APPRAISAL_TEMPLATE, **appraisal_context(appraisal))


def appraisal_pdf(appraisal: Appraisal) -> bytes:
    """The PDF bytes. Raises core.pdf.FontNotFoundError when no CJK font is installed."""
    from core.pdf import render_pdf

    return render_pdf(APPRAISAL_TEMPLATE, **appraisal_context(appraisal))


def pdf_filename(appraisal: Appraisal) -> str:
    return f"appraisal-{appraisal.id}-{appraisal.period_start:%Y-%m}.pdf"


def bonus_html(cycle: Cycle, rows: list, total: Decimal, user: Any) -> str:
    from core.pdf import render_html

    return render_html(BONUS_TEMPLATE, cycle=cycle, rows=rows, total=total, prepared_by=user)


def bonus_pdf(cycle: Cycle, rows: list, total: Decimal, user: Any) -> bytes:
    from core.pdf import render_pdf

    return render_pdf(BONUS_TEMPLATE, cycle=cycle, rows=rows, total=total, prepared_by=user)
