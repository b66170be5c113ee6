"""The quotation PDF: Chinese, with the total in figures and in capital numerals (大写金额)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from plugins.pipeline.services.quotations import LineInput, create_quotation


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def quotation(db, deal, team, products, next_month):
    # 19,800.00 × 1 at 6 % + 399.00 × 2 at 13 %: net 20,598.00, tax 1,188.00 + 103.74 = 1,291.74, total 21,889.74
    quotation = create_quotation(db.session, deal, team["rep"], [LineInput(products[0].id, Decimal("1")),
                                                               LineInput(products[1].id, Decimal("2"))],
                                 next_month, solution="标准版方案", terms="款到发货")
    db.session.commit()
    return quotation


def test_quotation_pdf_carries_the_capital_total(client, login_as, team, quotation):
    from core.pdf import FontNotFoundError, find_cjk_font

    try:
        find_cjk_font()
    except FontNotFoundError:
        pytest.skip("no CJK font installed (apt-get install fonts-wqy-microhei)")
    assert quotation.total == Decimal("21889.74")
    login_as(team["rep"])
    response = client.get(f"/pipeline/quotations/{quotation.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data).replace(" ", "").replace("\n", "")
    assert "贰万壹仟捌佰捌拾玖元柒角肆分" in text
    assert "21,889.74" in text
    assert "报价单" in text and quotation.number in text
    assert "杭州云帆科技有限公司" in text


def test_another_team_cannot_download_the_pdf(client, login_as, make_user, quotation):
    login_as(make_user("stranger", roles=["sales_rep"], position="sales_rep"))
    assert client.get(f"/pipeline/quotations/{quotation.id}/pdf").status_code == 404


def test_a_pdf_process_that_fails_is_a_clear_answer_not_a_server_error(client, login_as, team, quotation,
                                                                       monkeypatch):
    """The PDF prints in a process of its own (core.pdf_worker); when it dies or runs out of time the user is told
    to try again (503), in their language, and the quotation is untouched."""
    import core.pdf_worker
    from core.pdf_worker import PdfWorkerError

    def dead(*args, **kwargs):
        raise PdfWorkerError("the PDF process died")

    monkeypatch.setattr(core.pdf_worker, "print_pdf", dead)
    login_as(team["rep"])
    response = client.get(f"/pipeline/quotations/{quotation.id}/pdf")
    assert response.status_code == 503 and response.headers["Retry-After"] == "10"
    page = response.get_data(as_text=True)
    assert "PDF 暂时无法生成" in page and "died" not in page
    assert client.get(f"/pipeline/quotations/{quotation.id}").status_code == 200

