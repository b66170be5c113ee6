"""One appraisal in a real browser, in Chinese (Chromium through Playwright, CSRF on): the representative's
self-assessment → the supervisor's evaluation → the manager's calibration and finalisation → HR's bonus export.
Skipped, saying why, where Chromium or playwright is missing."""

from __future__ import annotations

from core.testing.browser import click_and_load, sign_in


def rate(page, level: int) -> None:
    for group in page.locator("fieldset.rating").all():
        group.locator(f"input[value='{level}']").check()


def test_self_assessment_review_calibration_final_and_bonus_export(live_server, page, db, opened, team):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    rep = opened["rep"]
    url = f"/appraisal/{rep.id}"

    sign_in(page, "rep")
    page.goto(url)
    assert "您的自评（R4.3.1）" in page.locator("main").inner_text()
    click_and_load(page, page.get_by_role("button", name="提交自评"))  # nothing rated: told, nothing saved
    assert "请为每项行为指标打 1 到 5 分。" in page.locator("main").inner_text()
    rate(page, 4)
    page.fill("#self-comment", "本月新开三家客户")
    click_and_load(page, page.get_by_role("button", name="提交自评"))
    assert "自评已提交。" in page.locator(".flashes").inner_text()
    assert "上级评价中" in page.locator("main").inner_text()

    sign_in(page, "sup")
    page.goto(url)
    rate(page, 5)
    page.fill("#review-comment", "业绩突出")
    click_and_load(page, page.get_by_role("button", name="提交评价"))
    assert "评价已提交。" in page.locator(".flashes").inner_text()

    sign_in(page, "mgr")
    page.goto(f"/appraisal/calibration?cycle={rep.cycle_id}")
    assert "等级分布" in page.locator("main").inner_text()
    page.locator(f"input[name=ids][value='{rep.id}']").check()
    click_and_load(page, page.get_by_role("button", name="将勾选的结果定稿"))
    assert "已定稿 1 份结果。" in page.locator(".flashes").inner_text()
    page.goto(url)
    assert "已定稿" in page.locator("main").inner_text() and "优秀" in page.locator("main").inner_text()

    sign_in(page, "hr1")
    page.goto(f"/appraisal/bonus?cycle={rep.cycle_id}")
    assert "¥3,000.00" in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="导出给薪资核算（XLSX）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert violations == []
