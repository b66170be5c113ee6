"""The printed claim includes its receipts (issue 12; R9.2.1 keeps the invoices with the claim): image receipts a
page each, PDF receipts with all their pages, after the form; a damaged receipt is named, not a failed print."""

from __future__ import annotations

import io

import pytest

from plugins.expenses.services.claims import create_claim
from plugins.expenses.services.receipts import Upload
from plugins.expenses.tests.conftest import PNG, line

pypdf = pytest.importorskip("pypdf")

#: A receipt PDF of two pages of a size no page of the form has (200 × 300 pt), to find them in the print.
def _two_page_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 300)
    writer.add_blank_page(200, 300)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _print(client, claim) -> pypdf.PdfReader:
    response = client.get(f"/expenses/claims/{claim.id}/print.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return pypdf.PdfReader(io.BytesIO(response.data))


def _size(page) -> tuple[int, int]:
    return round(float(page.mediabox.width)), round(float(page.mediabox.height))


def test_the_print_appends_each_image_and_every_page_of_each_pdf_receipt(app, db, company, client, login_as):
    claim = create_claim(db.session, company.rep, "Trip", [
        line(company.travel, "10.00", "INV-1"), line(company.travel, "20.00", "INV-2")],
        {0: [Upload("taxi.png", PNG)], 1: [Upload("hotel.pdf", _two_page_pdf())]})
    db.session.commit()
    bare = create_claim(db.session, company.rep, "Trip", [line(company.travel, "10.00", "INV-3")])
    db.session.commit()
    login_as(company.rep)

    form_pages = len(_print(client, bare).pages)  # the same form without receipts
    reader = _print(client, claim)
    texts = [page.extract_text() for page in reader.pages]
    assert len(reader.pages) == form_pages + 1 + 2  # the form, the image's page, both pages of the PDF

    # The image has a page of its own, right after the form: its caption and the image, nothing of the form.
    image_page = reader.pages[form_pages]
    assert "taxi.png" in texts[form_pages] and "费用明细" not in texts[form_pages]
    assert any(xobject.get_object()["/Subtype"] == "/Image"
               for xobject in image_page["/Resources"]["/XObject"].values())
    assert all("taxi.png" not in text or "附后" in text for text in texts[:form_pages])
    # The PDF receipt's own pages end the print, as they were.
    assert [_size(page) for page in reader.pages[-2:]] == [(200, 300), (200, 300)]
    assert all(_size(page) != (200, 300) for page in reader.pages[:-2])
    # The document's title is the claim's number, not the receipts' markup (they are printed once, after the form).
    assert reader.metadata.title == f"报销单 {claim.number}"


def test_a_damaged_receipt_is_named_on_the_form_and_the_rest_still_prints(app, db, company, client, login_as):
    broken_png = PNG[:40]  # the signature passes the upload check; the image data is cut off
    broken_pdf = b"%PDF-1.7\nthis is not a PDF body at all"
    claim = create_claim(db.session, company.rep, "Trip", [
        line(company.travel, "10.00", "INV-1"), line(company.travel, "20.00", "INV-2"),
        line(company.office, "5.00", "INV-3")],
        {0: [Upload("cut.png", broken_png)], 1: [Upload("bad.pdf", broken_pdf)], 2: [Upload("ok.png", PNG)]})
    db.session.commit()
    login_as(company.rep)

    reader = _print(client, claim)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "未能附入" in text and "cut.png" in text and "bad.pdf" in text
    # Only the readable image got a page: the last page is its own.
    assert "ok.png" in reader.pages[-1].extract_text() and "费用明细" not in reader.pages[-1].extract_text()
    assert "cut.png" not in reader.pages[-1].extract_text()
