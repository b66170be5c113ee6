"""Receipt files (R9.2.1): only images and PDFs, recognised by their first bytes, within the size limit."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from plugins.expenses import platform
from plugins.expenses.models import Receipt


@dataclass
class Upload:
    filename: str
    data: bytes


RECEIPT_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
    (b"%PDF-", "application/pdf", ".pdf"),
)


def receipt_type(data: bytes) -> str | None:
    """The content type from the file's first bytes (never from the name or the browser's word for it)."""
    for signature, content_type, _ext in RECEIPT_SIGNATURES:
        if data.startswith(signature):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_upload(upload: Upload) -> str:
    """The receipt's content type, or ValueError: only images and PDFs within the size limit (R9.2.1)."""
    limit_kb = int(platform.setting("expenses.receipt_max_kb"))
    if not upload.data:
        raise ValueError(_("The file is empty."))
    if len(upload.data) > limit_kb * 1024:
        raise ValueError(_("The file is larger than %(limit)s KB.", limit=limit_kb))
    content_type = receipt_type(upload.data)
    if content_type is None:
        raise ValueError(_("Only images (PNG, JPEG, GIF, WebP) and PDF files are accepted as receipts."))
    return content_type


def new_receipt(upload: Upload, content_type: str, user: Any) -> Receipt:
    name = (upload.filename or "receipt").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "receipt"
    return Receipt(filename=name, content_type=content_type, size=len(upload.data),
                   sha256=hashlib.sha256(upload.data).hexdigest(), content=upload.data, uploaded_by_id=user.id)
