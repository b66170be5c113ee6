"""PDF reports print Chinese with the CJK font embedded (issue 4 item 3; DESIGN.md "PDFs print Chinese correctly")."""

from __future__ import annotations

import io

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from core import pdf

CHINESE = "网络销售岗位管理办法：客户满意度"




def _fonts(reader: PdfReader) -> list[dict]:
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            fonts.append(descendants[0].get_object() if descendants else font)
    return fonts


def test_chinese_text_extracts_and_cjk_font_is_embedded(app, report_templates):
    with app.test_request_context():
        data = pdf.render_pdf("pdf_test/report.html", title="月度报告", body=CHINESE, rows=[("张三", "¥1,234.50")])

    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert CHINESE in text
    assert "张三" in text
    assert app.config["COMPANY_NAME"] in text  # the print header
    assert "1 / 1" in text  # page numbers

    font_file = pdf.find_cjk_font()
    embedded = [f for f in _fonts(reader)
                if any(key in f["/FontDescriptor"] for key in ("/FontFile", "/FontFile2", "/FontFile3"))]
    assert embedded, "no font program is embedded"
    assert all("NetSales-CJK" in str(f["/BaseFont"]) for f in embedded)
    # The embedded program is (a subset of) the installed CJK font, not a fallback Latin font.
    descriptor = embedded[0]["/FontDescriptor"]
    stream = next(descriptor[key] for key in ("/FontFile2", "/FontFile3", "/FontFile") if key in descriptor)
    program = TTFont(io.BytesIO(stream.get_object().get_data()))
    original = TTFont(str(font_file), fontNumber=0)
    assert program["name"].getDebugName(1) == original["name"].getDebugName(1)
    assert program["head"].unitsPerEm == original["head"].unitsPerEm


def test_missing_font_is_a_clear_error(app, report_templates, monkeypatch):
    pdf.find_cjk_font.cache_clear()
    monkeypatch.setattr(pdf, "_fontconfig_match", lambda family: None)
    monkeypatch.setattr(pdf, "KNOWN_FONT_FILES", ("/nonexistent/font.ttc",))
    try:
        with app.test_request_context(), pytest.raises(pdf.FontNotFoundError, match="fonts-wqy-microhei"):
            pdf.render_pdf("pdf_test/report.html", title="x", body="x", rows=[])
    finally:
        pdf.find_cjk_font.cache_clear()


def test_reports_cannot_pull_in_files_outside_the_allowed_folders(app, report_templates, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for reports")
    with app.test_request_context():
        fetcher = pdf._url_fetcher(pdf._allowed_roots())
        with pytest.raises(ValueError, match="not allowed"):
            fetcher.fetch(secret.as_uri())
        with pytest.raises(ValueError):
            fetcher.fetch("http://example.com/logo.png")
        font = fetcher.fetch(pdf.find_cjk_font().as_uri())
        font.close()


def test_company_name_and_logo_from_settings(app, db, report_templates, make_user):
    from PIL import Image

    from core.settings import set_setting
    from core.settings.logo import save_logo

    admin = make_user(roles=["admin"])
    set_setting("core.company_name", "杭州示例贸易有限公司", user=admin)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (11, 110, 79)).save(buffer, format="PNG")
    save_logo(buffer.getvalue(), "png", user=admin)
    db.session.commit()

    with app.test_request_context():
        data = pdf.render_pdf("pdf_test/report.html", title="报告", body="正文", rows=[])

    reader = PdfReader(io.BytesIO(data))
    assert "杭州示例贸易有限公司" in reader.pages[0].extract_text()
    images = [x for x in reader.pages[0]["/Resources"].get("/XObject", {}).values()
              if x.get_object()["/Subtype"] == "/Image"]
    assert images, "the logo is printed"
