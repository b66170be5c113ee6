"""The printed claim (報銷單) with its receipts (issue 12): the claim form, then each image receipt on a page of its
own, then the pages of each PDF receipt, so that the paper file holds the invoices as R9.2.1 asks. A receipt that
cannot be read (a damaged file) is left out and named on the form, never a failed print."""

from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass
from typing import Any

from plugins.expenses.models import Claim

log = logging.getLogger(__name__)

#: Formats WeasyPrint embeds as they are; other images (GIF, WebP) are re-encoded as PNG first.
EMBEDDED_AS_IS = {"PNG": "image/png", "JPEG": "image/jpeg"}


@dataclass(frozen=True)
class ReceiptPage:
    """An image receipt, ready to print on a page of its own."""

    receipt_id: int
    line: int
    filename: str
    data_uri: str


@dataclass(frozen=True)
class ReceiptDocument:
    """A PDF receipt, rewritten by pypdf (so that what is appended is known to be readable)."""

    receipt_id: int
    line: int
    filename: str
    content: bytes
    pages: int


@dataclass(frozen=True)
class Unreadable:
    """A receipt that could not be included, and the line it belongs to."""

    receipt_id: int
    line: int
    filename: str


@dataclass
class Receipts:
    images: list[ReceiptPage]
    documents: list[ReceiptDocument]
    unreadable: list[Unreadable]


def image_page(receipt_id: int, content: bytes, line: int, filename: str) -> ReceiptPage:
    """An image receipt as a data: URI; ValueError (or Pillow's error) when the file is not a readable image."""
    from PIL import Image

    with Image.open(io.BytesIO(content)) as probe:
        probe.verify()  # the structure and checksums; verify() leaves the image unusable, so it is opened again
    with Image.open(io.BytesIO(content)) as image:
        image.load()  # the pixels themselves: a truncated file fails here
        content_type = EMBEDDED_AS_IS.get(image.format or "")
        if content_type is None:
            out = io.BytesIO()
            image.convert("RGBA" if "A" in image.getbands() else "RGB").save(out, format="PNG")
            content, content_type = out.getvalue(), "image/png"
    return ReceiptPage(receipt_id, line, filename, f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}")


def pdf_document(receipt_id: int, content: bytes, line: int, filename: str) -> ReceiptDocument:
    """A PDF receipt read and written again by pypdf; ValueError (or pypdf's error) when it has no readable page."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(content), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("encrypted")
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    if not writer.pages:
        raise ValueError("no pages")
    out = io.BytesIO()
    writer.write(out)
    return ReceiptDocument(receipt_id, line, filename, out.getvalue(), len(writer.pages))


def collect_receipts(claim: Claim) -> Receipts:
    """The claim's receipts in line order, sorted into images, PDFs and those that cannot be read."""
    found = Receipts([], [], [])
    for line in claim.lines:
        number = line.position + 1
        for receipt in line.receipts:
            try:
                if receipt.content_type == "application/pdf":
                    found.documents.append(pdf_document(receipt.id, receipt.content, number, receipt.filename))
                else:
                    found.images.append(image_page(receipt.id, receipt.content, number, receipt.filename))
            except Exception:  # noqa: BLE001 - any damage to an uploaded file: leave it out and say so on the form
                log.warning("receipt %s of claim %s cannot be printed", receipt.id, claim.id, exc_info=True)
                found.unreadable.append(Unreadable(receipt.id, number, receipt.filename))
    return found


def claim_with_receipts(claim: Claim, **context: Any) -> bytes:
    """The printed claim: the form and its image receipts (one WeasyPrint pass), then each PDF receipt's pages."""
    from pypdf import PdfReader, PdfWriter

    from core.pdf import render_pdf

    receipts = collect_receipts(claim)
    form = render_pdf("expenses/pdf/claim.html", claim=claim, receipt_pages=receipts.images,
                      unreadable=receipts.unreadable, attached_pdfs=receipts.documents, **context)
    if not receipts.documents:
        return form
    writer = PdfWriter()
    printed_form = PdfReader(io.BytesIO(form))
    writer.append(printed_form)
    if printed_form.metadata:  # the form's title ("报销单 BX…") names the whole document in a PDF viewer
        writer.add_metadata(dict(printed_form.metadata))
    for document in receipts.documents:
        writer.append(PdfReader(io.BytesIO(document.content)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
