"""What a user reads for the plugin's stored values (claim states, payment methods): never the values themselves."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from plugins.expenses.models import (
    DEPT_APPROVED,
    DRAFT,
    FINANCE_APPROVED,
    PAID,
    REJECTED,
    RETURNED,
    SUBMITTED,
)

STATE_LABELS = {
    DRAFT: _l("Draft"), SUBMITTED: _l("Waiting for department head"), DEPT_APPROVED: _l("Waiting for finance"),
    FINANCE_APPROVED: _l("Approved, waiting for payment"), PAID: _l("Paid"), RETURNED: _l("Returned for changes"),
    REJECTED: _l("Rejected"),
}

PAYMENT_METHOD_LABELS = {
    "bank_transfer": _l("Bank transfer"), "cash": _l("Cash"), "alipay": _l("Alipay"), "wechat": _l("WeChat Pay"),
    "cheque": _l("Cheque"), "other": _l("Other"),
}


def state_label(state: str | None) -> str:
    """A claim state in the reader's language."""
    return str(STATE_LABELS[state]) if state in STATE_LABELS else (state or "—")


def method_label(method: str | None) -> str:
    """A payment method in the reader's language."""
    return str(PAYMENT_METHOD_LABELS[method]) if method in PAYMENT_METHOD_LABELS else (method or "—")
