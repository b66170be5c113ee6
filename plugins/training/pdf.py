"""The certificate PDF (R3.2.4), printed by the core's WeasyPrint service with the CJK font, in the holder's
language (Chinese by default)."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale

from plugins.training.models import TrainingCertificate

TEMPLATE = "training/pdf/certificate.html"


def _locale(certificate: TrainingCertificate) -> str:
    return certificate.user.locale or current_app.config["DEFAULT_LOCALE"]


def certificate_html(certificate: TrainingCertificate) -> str:
    from core.pdf import render_html

    with force_locale(_locale(certificate)):
        return render_html(TEMPLATE, certificate=certificate, title=certificate.number)


def certificate_pdf(certificate: TrainingCertificate) -> bytes:
    """The PDF bytes. Raises core.pdf.FontNotFoundError when no CJK font is installed."""
    from core.pdf import render_pdf

    with force_locale(_locale(certificate)):
        return render_pdf(TEMPLATE, certificate=certificate, title=certificate.number)
