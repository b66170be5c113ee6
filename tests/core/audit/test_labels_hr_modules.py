"""The HR modules' records read as labels on their timelines and the audit page (issue 12): an appraisal's state and
grade, a training plan's state, a hiring plan's position and state; never codes or bookkeeping fields."""

from __future__ import annotations

from core.audit.labels import shown_changes


def _shown(app, table: str, diff: dict) -> dict[str, tuple[str, str]]:
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        return {c.label: (c.old, c.new) for c in shown_changes([(table, "update", diff)])[0]}


def test_an_appraisals_state_grade_and_scores_read_as_words(app, db, make_user):
    boss = make_user("appraisal-boss", name="王主管")
    shown = _shown(app, "appraisal_appraisal", {
        "state": ["self_assessment", "superior_review"], "grade": [None, "excellent"],
        "final_score": [None, "91.50"], "reviewer_id": [None, boss.id], "version": [1, 2],
        "reviewed_at": [None, "2026-11-03T02:00:00"]})
    assert shown["状态"] == ("自评", "上级评价中")
    assert shown["等级"] == ("—", "优秀")
    assert shown["最终得分"] == ("—", "91.50")
    assert shown["上级"] == ("—", "王主管")
    assert len(shown) == 4  # the version and the review's time stamp are bookkeeping


def test_a_training_plans_and_a_hiring_plans_codes_read_as_words(app, db):
    plan = _shown(app, "training_plan", {"state": ["draft", "active"], "confirmed_at": [None, "2026-11-03T02:00"]})
    assert list(plan) == ["状态"] and plan["状态"][0] != "draft" and plan["状态"][1] != "active"
    hiring = _shown(app, "recruitment_requisition", {
        "position": ["sales_rep", "sales_supervisor"], "state": ["draft", "pending"], "approval_step": [0, 1]})
    assert len(hiring) == 2 and "状态" in hiring and not {"position", "state"} & set(hiring)
    assert not {"sales_rep", "sales_supervisor", "draft", "pending"} & {v for pair in hiring.values() for v in pair}
