"""Hiring plans waiting for a decision on the approvers' dashboards (issue 12, R3.1.1): the department head sees the
plans at their step, HR after the head approved; people who approve nothing get no such widget."""

from __future__ import annotations


def _keys(user) -> list[str]:
    from plugins.recruitment.widgets import dashboard_widgets

    return [w.key for w in dashboard_widgets(user)]


def test_the_plan_shows_to_whoever_decides_its_step(app, db, people, count_queries):
    from plugins.recruitment.services import requisitions
    from plugins.recruitment.widgets import plans_to_approve

    assert "recruitment.approvals" in _keys(people["head"]) and "recruitment.approvals" in _keys(people["hr"])
    assert "recruitment.approvals" not in _keys(people["rep"])
    plan = requisitions.save_requisition(
        db.session, people["supervisor"], title="天猫客服专员", position="sales_rep", department_id=people["dept"].id,
        headcount=2, reason="growth", salary_min=None, salary_max=None, required_by=None, description=None,
        requirements="skill: 熟练使用 Excel")
    requisitions.submit(db.session, plan, people["supervisor"])
    db.session.commit()
    with app.test_request_context("/"):
        plans_to_approve(people["head"])  # loads the head's roles and grants for the request
        with count_queries() as statements:
            waiting = plans_to_approve(people["head"])
        assert [r.title for r in waiting["rows"]] == ["天猫客服专员"] and waiting["count"] == 1
        assert len(statements) == 1, "\n".join(s[:150] for s in statements)
        assert plans_to_approve(people["hr"])["count"] == 0  # the head's step first
    requisitions.decide(db.session, plan, people["head"], True)
    db.session.commit()
    with app.test_request_context("/"):
        assert plans_to_approve(people["head"])["count"] == 0
        assert plans_to_approve(people["hr"])["count"] == 1


def test_the_head_reads_it_on_the_dashboard(client, login_as, db, people):
    from plugins.recruitment.services import requisitions

    plan = requisitions.save_requisition(
        db.session, people["supervisor"], title="天猫客服专员", position="sales_rep", department_id=people["dept"].id,
        headcount=2, reason="growth", salary_min=None, salary_max=None, required_by=None, description=None,
        requirements="skill: 熟练使用 Excel")
    requisitions.submit(db.session, plan, people["supervisor"])
    db.session.commit()
    login_as(people["head"])
    html = client.get("/").get_data(as_text=True)
    section = html[html.index('id="widget-recruitment-approvals"'):]
    section = section[:section.index("</section>")]
    assert "天猫客服专员" in section and f"/recruitment/requisitions/{plan.id}" in section
