"""A claim line's receipt files: shown inline (images, PDFs) to whoever may see the claim, removed by the claimant."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.security import require
from plugins.expenses.models import Receipt
from plugins.expenses.services.claims import remove_receipt
from plugins.expenses.services.common import ExpenseError
from plugins.expenses.services.queries import can_view_claim
from plugins.expenses.views.common import (
    bp,
)


@bp.post("/receipts/<int:receipt_id>/delete")
@require("expenses.claim.create")
def receipt_delete(receipt_id: int):  # type: ignore[no-untyped-def]
    receipt = db.session.get(Receipt, receipt_id)
    if receipt is None or not can_view_claim(current_user, receipt.line.claim):
        abort(404)
    claim_id = receipt.line.claim_id
    try:
        remove_receipt(db.session, receipt, current_user)
        db.session.commit()
        flash(_("Receipt removed."), "success")
    except ExpenseError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("expenses.claim_edit", claim_id=claim_id))


@bp.get("/receipts/<int:receipt_id>")
@require("expenses.claim.view")
def receipt_download(receipt_id: int):  # type: ignore[no-untyped-def]
    receipt = db.session.get(Receipt, receipt_id)
    if receipt is None or not can_view_claim(current_user, receipt.line.claim):
        abort(404)
    inline = receipt.content_type.startswith("image/") or receipt.content_type == "application/pdf"
    response = Response(receipt.content, mimetype=receipt.content_type)
    from urllib.parse import quote

    disposition = "inline" if inline and request.args.get("download") != "1" else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(receipt.filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
