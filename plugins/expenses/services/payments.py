"""Payments (R9.2.3 completion): how a claim was paid (date, method, reference). Paying is a step of the
claim's state machine (workflow.transition, workflow.pay_batch)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from plugins.expenses import platform
from plugins.expenses.services.common import InvalidInput

PAYMENT_METHODS = ("bank_transfer", "cash", "alipay", "wechat", "cheque", "other")


@dataclass
class PaymentInput:
    paid_on: date | None
    method: str
    reference: str = ""


def check_payment(payment: PaymentInput | None) -> str:
    """The payment's reference once date and method are valid (R9.2.3 completion: date, method, reference)."""
    errors: dict[str, str] = {}
    if payment is None or payment.paid_on is None:
        errors["paid_on"] = _("Enter the payment date.")
    elif payment.paid_on > platform.local_today():
        errors["paid_on"] = _("The payment date cannot be in the future.")
    if payment is None or payment.method not in PAYMENT_METHODS:
        errors["method"] = _("Choose how the claim was paid.")
    reference = (payment.reference if payment else "").strip()
    if len(reference) > 100:
        errors["reference"] = _("Keep the reference under 100 characters.")
    if errors:
        raise InvalidInput(errors)
    return reference
