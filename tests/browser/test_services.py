"""The shared services through a real browser (Chromium through Playwright, CSRF on), on records of the built-in
plugins: attachments on a customer's timeline (upload, drag and drop, download, scope), an @mention that notifies
(header badge, /notifications, mark read) and a Chinese PDF download. Skipped, saying why, without Chromium."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from core.testing.browser import sign_in
from core.timeutil import local_today

NOTE = "客户需求说明：50 人销售团队，多平台开店。\n".encode()
DROPPED = "联系人,电话\n张伟,13800000000\n".encode()


def csp_violations(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return violations


def downloaded_bytes(download) -> bytes:
    return Path(download.path()).read_bytes()


@pytest.fixture
def team(app, make_user) -> SimpleNamespace:
    """R2: a supervisor with one representative, and a representative of another team."""
    boss = make_user("mgr", roles=["sales_manager"], name="周经理")
    sup = make_user("sup1", roles=["sales_supervisor"], name="李主管", superior_id=boss.id)
    rep = make_user("rep1", roles=["sales_rep"], name="张三", superior_id=sup.id)
    sup2 = make_user("sup2", roles=["sales_supervisor"], name="赵主管", superior_id=boss.id)
    outsider = make_user("rep2", roles=["sales_rep"], name="王五", superior_id=sup2.id)
    return SimpleNamespace(boss=boss, sup=sup, rep=rep, outsider=outsider)


@pytest.fixture
def customer(db, team):
    """A customer of representative rep1, made through the CRM's services as a user would."""
    from plugins.crm.services.customers import create_customer

    row = create_customer(db.session, {"name": "杭州云帆科技有限公司"}, team.rep, allow_duplicate=True)
    db.session.commit()
    return row


def drop_file(page, selector: str, name: str, content: bytes, mime: str) -> None:
    """Drop a file on an element the way a user's drag from the desktop does (a DataTransfer with a File)."""
    page.locator(selector).evaluate(
        """(target, [name, bytes, mime]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name, {type: mime}));
            for (const kind of ["dragenter", "dragover", "drop"]) {
                target.dispatchEvent(new DragEvent(kind, {dataTransfer: transfer, bubbles: true, cancelable: true}));
            }
        }""",
        [name, list(content), mime],
    )


def test_upload_an_attachment_list_it_download_it_and_nobody_outside_the_scope_can(
        live_server, make_page, team, customer):
    page = make_page()
    violations = csp_violations(page)
    sign_in(page, "rep1")
    record = f"/crm/customers/{customer.id}"
    page.goto(record)
    timeline = page.locator("#timeline")
    assert timeline.locator(".timeline-attachment").count() == 0  # nothing attached yet

    # The plain form: choose a file, press Upload; back on the record's timeline with the file listed.
    upload = timeline.locator("form.attachment-upload")
    upload.locator("input[type=file]").set_input_files(
        files=[{"name": "需求说明.txt", "mimeType": "text/plain", "buffer": NOTE}])
    upload.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"{record}#timeline$"))
    link = timeline.locator(".timeline-attachment a", has_text="需求说明.txt")
    assert link.is_visible()
    assert "需求说明.txt" in page.locator(".flashes").inner_text()

    # Download it through the link: the very bytes that were uploaded, under the name they had.
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename == "需求说明.txt"
    assert downloaded_bytes(info.value) == NOTE
    download_url = link.get_attribute("href")
    assert re.fullmatch(r"/attachments/\d+/download", download_url)

    # Drag and drop (static/js/attachments.js): a dropped file is uploaded at once and the page reloads with it.
    drop_file(page, "form.attachment-upload", "联系人.csv", DROPPED, "text/csv")
    dropped = timeline.locator(".timeline-attachment a", has_text="联系人.csv")
    dropped.wait_for()
    with page.expect_download() as info:
        dropped.click()
    assert downloaded_bytes(info.value) == DROPPED

    # A refused drop says why next to the field, without leaving the page (the content is not a PNG).
    drop_file(page, "form.attachment-upload", "截图.png", b"not really an image", "image/png")
    error = upload.locator("[data-dropzone-error]")
    error.wait_for(state="visible")
    assert error.inner_text().strip()
    assert page.url.endswith(f"{record}#timeline")
    assert timeline.locator(".timeline-attachment").count() == 2
    assert violations == []

    # The representative's supervisor sees the team's customer (R2 scope "team"), so the file too.
    supervisor = make_page()
    sign_in(supervisor, "sup1")
    response = supervisor.request.get(download_url)
    assert response.status == 200 and response.body() == NOTE

    # A representative of another team may not see the customer: the file is as absent as the record (404).
    outsider = make_page()
    sign_in(outsider, "rep2")
    assert outsider.goto(record).status == 404
    assert outsider.goto(download_url).status == 404
    assert outsider.request.get(download_url).status == 404


def test_an_at_mention_notifies_through_the_header_badge_until_it_is_read(
        live_server, make_page, team, customer):
    author = make_page()
    sign_in(author, "rep1")
    record = f"/crm/customers/{customer.id}"
    author.goto(record)
    comments = author.locator("#timeline form.timeline-comment-form")
    # rep2 may not see this customer, so is not told of it: the author learns who was left out.
    comments.locator("textarea[name=body]").fill("@sup1 请看一下报价，客户下周签约。@rep2")
    comments.locator("button[type=submit]").click()
    author.wait_for_url(re.compile(rf"{record}#timeline$"))
    comment = author.locator("#timeline .timeline-comment")
    assert "客户下周签约" in comment.inner_text()
    assert comment.locator(".mention").all_inner_texts() == ["@sup1", "@rep2"]
    assert "王五" in author.locator(".flashes").inner_text()

    # The supervisor signs in: the bell in the header carries the count of unread notifications.
    reader = make_page()
    violations = csp_violations(reader)
    sign_in(reader, "sup1")
    badge = reader.locator(".topbar a.notifications .badge")
    assert badge.inner_text().strip() == "1"
    reader.locator(".topbar a.notifications").click()
    reader.wait_for_url(re.compile(r"/notifications/?$"))
    item = reader.locator("li.notification.unread")
    assert item.count() == 1
    assert "张三" in item.inner_text() and "请看一下报价" in item.inner_text()

    # Following the notification marks it read and opens the record it is about.
    item.locator("button.notification-text").click()
    reader.wait_for_url(re.compile(rf"{record}$"))
    assert reader.locator("h1").inner_text().strip().startswith("杭州云帆科技有限公司")
    assert reader.locator(".topbar a.notifications .badge").count() == 0
    reader.goto("/notifications")
    assert reader.locator("li.notification.unread").count() == 0
    reader.goto("/notifications/archive")  # read notifications are kept in the archive (issue 12)
    assert reader.locator("li.notification.read").count() == 1
    assert violations == []

    # The one left out has nothing: no badge, no notification.
    outsider = make_page()
    sign_in(outsider, "rep2")
    assert outsider.locator(".topbar a.notifications").is_visible()
    assert outsider.locator(".topbar a.notifications .badge").count() == 0


def test_mark_as_read_on_the_notifications_page_clears_the_badge(live_server, page, app, db, team, customer):
    from core.timeline.services import add_comment

    with app.test_request_context():  # the record's link (object_url) is built with url_for, as in a view
        add_comment(customer, "@sup1 客户要求修改合同条款", team.rep)
        add_comment(customer, "@sup1 已发送新报价", team.rep)
        db.session.commit()
    sign_in(page, "sup1")
    assert page.locator(".topbar a.notifications .badge").inner_text().strip() == "2"
    page.goto("/notifications")
    page.locator("li.notification.unread").first.get_by_role("button", name="标为已读").click()
    page.wait_for_url(re.compile(r"/notifications/?\?page=1$"))
    assert page.locator(".topbar a.notifications .badge").inner_text().strip() == "1"
    page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_url(re.compile(r"/notifications/?$"))
    assert page.locator(".topbar a.notifications .badge").count() == 0
    assert page.locator("li.notification.unread").count() == 0


def test_download_the_printable_claim_form_in_chinese(live_server, page, db, make_user):
    pypdf = pytest.importorskip("pypdf")
    from core.identity.models import Department
    from plugins.expenses import services
    from plugins.expenses.demo import receipt_png
    from plugins.expenses.models import Category

    sales = Department(name="销售部")
    db.session.add(sales)
    db.session.flush()
    rep = make_user("rep1", roles=["sales_rep"], name="张三", department_id=sales.id)
    services.ensure_default_categories(db.session)
    travel = db.session.scalar(select(Category).where(Category.code == "travel"))
    line = services.LineInput(local_today() - timedelta(days=2), travel.id, "1234.56", "杭州拜访客户高铁票", "HZ-001")
    claim = services.create_claim(db.session, rep, "杭州出差", [line],
                                  {0: [services.Upload("车票.png", receipt_png("车票", Decimal("1234.56")))]})
    db.session.commit()

    sign_in(page, "rep1")
    page.goto(f"/expenses/claims/{claim.id}")
    link = page.locator(f"a[href='/expenses/claims/{claim.id}/print.pdf']")
    # Chromium's own "download the link" gesture (Alt+click): the file lands in the downloads, named after the claim.
    with page.expect_download() as info:
        link.click(modifiers=["Alt"])
    assert info.value.suggested_filename == f"{claim.number}.pdf"
    reader = pypdf.PdfReader(io.BytesIO(downloaded_bytes(info.value)))
    text = "".join(p.extract_text() for p in reader.pages)
    # The CJK font is embedded and maps back to the characters (no empty boxes): the Chinese text is extractable.
    assert "报销单" in text and "杭州出差" in text and "壹仟贰佰叁拾肆元伍角陆分" in text
    fonts = [font for p in reader.pages for font in p["/Resources"]["/Font"].values()]
    assert any(key in font["/FontDescriptor"].get_object() for font in _descendants(fonts)
               for key in ("/FontFile", "/FontFile2", "/FontFile3"))

    # A plain click opens the same PDF in the browser (inline, to print), not a page of the application.
    with page.expect_response(re.compile(r"/print\.pdf$")) as opened:
        link.click()
    assert opened.value.status == 200
    assert opened.value.headers["content-type"] == "application/pdf"
    assert f"filename={claim.number}.pdf" in opened.value.headers["content-disposition"]


def _descendants(fonts):
    """Type0 (CID) fonts keep their descriptor on the descendant font."""
    for font in fonts:
        font = font.get_object()
        if "/DescendantFonts" in font:
            yield from (d.get_object() for d in font["/DescendantFonts"])
        elif "/FontDescriptor" in font:
            yield font
