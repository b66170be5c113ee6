"""Templates (R4.1): weights must total 100 %, result indicators need an available KPI, a target and a valid rule,
behaviour indicators five anchored levels; every problem shown next to its field, nothing saved; saving writes a
new version."""

from __future__ import annotations

from sqlalchemy import func, select

from plugins.appraisal.models import Template

GOOD = {
    "name": "销售代表考核",
    "rows-0-kind": "result", "rows-0-name": "销售额", "rows-0-weight": "60", "rows-0-kpi_key": "pipeline.revenue",
    "rows-0-target": "50000", "rows-0-rule": "linear", "rows-0-cap": "120",
    "rows-1-kind": "behaviour", "rows-1-name": "工作态度", "rows-1-weight": "40",
    "rows-1-anchors": "差\n较差\n合格\n良好\n优秀",
}


def _count(db):
    return db.session.scalar(select(func.count(Template.id)))


def test_a_good_template_is_saved_as_a_new_version(db, team, login_as):
    client = login_as(team["hr"])
    response = client.post("/appraisal/templates/edit/sales_rep", data=GOOD)
    assert response.status_code == 302
    second = client.post("/appraisal/templates/edit/sales_rep", data=GOOD | {"rows-1-weight": "30",
                                                                            "rows-2-kind": "behaviour",
                                                                            "rows-2-name": "团队协作",
                                                                            "rows-2-weight": "10",
                                                                            "rows-2-anchors": GOOD["rows-1-anchors"]})
    assert second.status_code == 302
    versions = db.session.execute(select(Template.version, Template.current).order_by(Template.version)).all()
    assert versions == [(1, False), (2, True)]


def test_weights_not_adding_up_to_100_are_refused_with_the_total(db, team, login_as):
    client = login_as(team["hr"])
    response = client.post("/appraisal/templates/edit/sales_rep", data=GOOD | {"rows-1-weight": "30"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "权重合计为 90 %，必须等于 100 %。" in page
    assert _count(db) == 0


def test_each_bad_field_is_told_next_to_it(db, team, login_as):
    client = login_as(team["hr"])
    bad = GOOD | {"rows-0-kpi_key": "nowhere.kpi", "rows-0-target": "-1", "rows-0-rule": "bands",
                  "rows-0-bands": "80-70", "rows-1-anchors": "只有一行", "rows-1-weight": "abc"}
    page = client.post("/appraisal/templates/edit/sales_rep", data=bad).get_data(as_text=True)
    assert "请输入数字，例如 12.5。" in page  # the weight
    bad["rows-1-weight"] = "40"
    response = client.post("/appraisal/templates/edit/sales_rep", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("该业绩数据不可用：提供它的模块已停用。", "目标须大于 0。", "请以“完成率%:得分”成对填写分档",
                    "请描述五个等级，每行一个，从 1 级开始。"):
        assert message in page, message
    assert _count(db) == 0


def test_a_representative_cannot_edit_templates(db, team, login_as):
    assert login_as(team["rep"]).post("/appraisal/templates/edit/sales_rep", data=GOOD).status_code == 403
