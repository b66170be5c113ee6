"""A sales meeting in a real browser, in Chinese (Chromium through Playwright, CSRF on): the supervisor writes the
minutes and adds an action item for a representative; the representative finds it on the dashboard and marks it
done. Skipped, saying why, where Chromium or playwright is missing."""

from __future__ import annotations

from datetime import timedelta

from core.testing.browser import click_and_load, sign_in
from core.timeutil import local_today


def test_minutes_then_action_item_then_done(live_server, page, db, people):
    from plugins.team.services import meetings

    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    series = meetings.create_series(db.session, people["supervisor"], title="一组周例会", recurrence="weekly",
                                    day=local_today().weekday(), start_time="09:30", duration_minutes=60)
    meeting = meetings.schedule_next(db.session, series, people["supervisor"])
    db.session.commit()

    sign_in(page, "sup")
    page.goto(f"/team/meetings/{meeting.id}")
    assert page.locator("h1").inner_text() == "一组周例会"
    page.fill("#progress", "本周成交 5 单")
    page.fill("#problems", "两位客户反映发货慢")
    page.fill("#solutions", "与物流部确认加急流程")
    page.fill("#priorities", "双十一备货")
    click_and_load(page, page.locator("#minutes .form-buttons button[type=submit]").first)
    assert "纪要已保存。" in page.locator(".flashes").inner_text()

    due = local_today() + timedelta(days=10)  # the meeting is within the coming week
    page.fill("#actions #title", "准备双十一备货报价")
    page.select_option("#owner_id", str(people["rep"].id))
    page.fill("#due_on", due.isoformat())
    click_and_load(page, "#actions .form-buttons button[type=submit]")
    assert "待办事项已添加，已通知负责人。" in page.locator(".flashes").inner_text()
    assert "准备双十一备货报价" in page.locator("#actions table").inner_text()

    sign_in(page, "rep")
    widget = page.locator("#widget-team-action_items")
    assert "准备双十一备货报价" in widget.inner_text()
    click_and_load(page, widget.get_by_role("button", name="标记完成"))
    assert "待办事项已完成。" in page.locator(".flashes").inner_text()
    assert "没有未完成的待办事项。" in page.locator("#widget-team-action_items").inner_text()
    page.goto(f"/team/meetings/{meeting.id}")
    assert "已完成" in page.locator("#actions table").inner_text()
    assert violations == []
