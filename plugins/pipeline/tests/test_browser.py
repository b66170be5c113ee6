"""One deal from customer development to after-sales in a real browser (Chromium through Playwright, CSRF on):
exit-rule refusals shown as messages, the quotation form, sending, the contract with its signed file, and the
board's move form. Skipped, saying why, where Chromium or playwright is missing."""

from __future__ import annotations

import re

from core.testing import TEST_PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sign_in(page, login: str) -> None:
    page.goto("/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))


def move_forward(page) -> None:
    page.locator("#move-forward button").click()
    page.wait_for_load_state()


def test_one_deal_from_development_to_after_sales(live_server, page, db, team, deal, products, next_month):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, "rep")
    deal_url = f"/pipeline/deals/{deal.id}"

    # The board: the card's own move form works without dragging.
    page.goto("/pipeline/board")
    card = page.locator(f".board-card[data-deal='{deal.id}']")
    assert card.is_visible()
    page.goto(deal_url)
    move_forward(page)  # → needs discovery
    assert page.locator(".stage-steps li.current").inner_text() == "需求挖掘"

    move_forward(page)  # refused: R6.2.1 asks for situation, pain points and goals
    assert "离开需求挖掘阶段前请记录" in page.locator(".flashes").inner_text()
    assert page.locator(".stage-steps li.current").inner_text() == "需求挖掘"

    page.goto(deal_url + "/edit")
    page.fill("#situation", "50 人销售团队，多平台开店")
    page.fill("#pain_points", "订单分散，对账靠人工")
    page.fill("#goals", "统一订单与客户档案")
    page.locator(".form-buttons button[type=submit]").click()
    move_forward(page)  # → quotation

    page.goto(deal_url + "/quotations/new")
    page.select_option("#lines-0-product_id", str(products[0].id))
    page.fill("#lines-0-quantity", "1")
    page.locator("button[name=add_line]").click()  # another line, server-side
    page.select_option("#lines-1-product_id", str(products[1].id))
    page.fill("#lines-1-quantity", "2")
    page.fill("#valid_until", next_month.isoformat())
    page.locator(".form-buttons button[type=submit]").click()
    page.wait_for_url(re.compile(r"/pipeline/quotations/\d+$"))
    assert "21,889.74" in page.locator("main").inner_text()
    page.get_by_role("button", name="发送给客户").click()
    assert "buyer@yunfan.example" in page.locator(".flashes").inner_text()

    page.goto(deal_url)
    move_forward(page)  # → negotiation
    move_forward(page)  # refused: R6.4.2 concerns and bottom line
    assert "关注点和底线" in page.locator(".flashes").inner_text()
    page.goto(deal_url + "/edit")
    page.fill("#concerns", "价格、上线周期")
    page.fill("#bottom_line", "九折，一个月内上线")
    page.locator(".form-buttons button[type=submit]").click()
    move_forward(page)  # → contract

    move_forward(page)  # refused: R6.5.1 the signed contract
    assert "已签署的合同" in page.locator(".flashes").inner_text()
    page.goto(deal_url + "/contract")
    page.fill("#number", "HT-2026-100")
    page.fill("#signed_on", next_month.replace(day=1).isoformat())
    page.set_input_files("#signed_file", files=[{"name": "signed.pdf", "mimeType": "application/pdf",
                                                 "buffer": PDF}])
    page.locator(".form-buttons button[type=submit]").click()
    page.wait_for_url(re.compile(r"/pipeline/deals/\d+$"))
    move_forward(page)  # → after-sales: won
    assert page.locator(".stage-steps li.current").inner_text() == "售后服务"
    assert "已成交" in page.locator("main").inner_text()
    history = page.locator("#history-title + ol").inner_text()
    assert history.count("→") == 5
    assert violations == []


def test_dragging_a_card_moves_the_deal_and_a_refused_drop_says_why(live_server, page, db, team, deal):
    from plugins.pipeline.models import Deal

    sign_in(page, "rep")
    page.goto("/pipeline/board")
    card = page.locator(f".board-card[data-deal='{deal.id}']")
    assert not card.locator(".board-move").is_visible()  # with JavaScript, dragging replaces the form
    card.drag_to(page.locator(".board-column[data-stage=needs]"))
    page.locator(f".board-column[data-stage=needs] .board-card[data-deal='{deal.id}']").wait_for()
    db.session.expire_all()
    assert db.session.get(Deal, deal.id).stage == "needs"
    card.drag_to(page.locator(".board-column[data-stage=quotation]"))  # refused: needs discovery is incomplete
    assert "离开需求挖掘阶段前请记录" in page.locator(".flash-error").inner_text()
    db.session.expire_all()
    assert db.session.get(Deal, deal.id).stage == "needs"
