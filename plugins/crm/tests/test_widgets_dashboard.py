"""The CRM's dashboard by role (issue 12): representatives see their own revisits, next steps and grades; supervisors
and managers their team's customers by grade with the revisits overdue in each (R5.2.1, R5.3.1), counted here by
hand, in two statements; a department head, who only reads customer files, none."""

from __future__ import annotations

from datetime import timedelta

from core.timeutil import local_today, utcnow


def _keys(user) -> list[str]:
    from plugins.crm.widgets import dashboard_widgets

    return [w.key for w in dashboard_widgets(user)]


def test_widgets_by_role(app, org, make_user):
    assert _keys(org.rep1) == ["crm.overdue", "crm.next_steps", "crm.grades"]
    assert _keys(org.sup1) == ["crm.team_grades"]
    assert _keys(org.manager) == ["crm.team_grades"]
    assert _keys(make_user("head", roles=["department_head"], position="department_head")) == []


def test_team_grades_counted_by_hand(app, db, org, count_queries):
    from plugins.crm.models import Customer, Revisit
    from plugins.crm.widgets import team_grades

    def customer(owner, grade, name):
        row = Customer(name=name, name_key=name, owner_id=owner.id, grade=grade, state="customer")
        db.session.add(row)
        db.session.flush()
        return row

    a1 = customer(org.rep1, "A", "甲一")
    customer(org.rep1, "A", "甲二")
    b1 = customer(org.rep1b, "B", "乙一")
    customer(org.rep1b, None, "未分级一")
    c2 = customer(org.rep2, "C", "丙二")  # sup2's team
    merged = customer(org.rep1, "B", "乙重复")
    merged.merged_into_id = b1.id  # a merged duplicate is no customer of its own
    yesterday, tomorrow = local_today() - timedelta(days=1), local_today() + timedelta(days=1)
    db.session.add_all([
        Revisit(customer_id=a1.id, owner_id=org.rep1.id, grade="A", due_on=yesterday),
        Revisit(customer_id=a1.id, owner_id=org.rep1.id, grade="A", due_on=yesterday, done_at=utcnow()),
        Revisit(customer_id=b1.id, owner_id=org.rep1b.id, grade="B", due_on=yesterday),
        Revisit(customer_id=b1.id, owner_id=org.rep1b.id, grade="B", due_on=tomorrow),
        Revisit(customer_id=c2.id, owner_id=org.rep2.id, grade="C", due_on=yesterday),
    ])
    db.session.commit()
    with app.test_request_context("/"):
        team_grades(org.sup1)  # loads the grants and the team for the request
        with count_queries() as statements:
            team = team_grades(org.sup1)
        everyone = team_grades(org.manager)
    assert len(statements) == 2
    assert team["customers"] == [2, 1, 0, 1] and team["overdue"] == [1, 1, 0, 0]  # A, B, C, not graded
    assert everyone["customers"] == [2, 1, 1, 1] and everyone["overdue"] == [1, 1, 1, 0]
    assert team["total"] == 4 and everyone["total"] == 5


def test_the_supervisor_sees_the_chart_and_its_table(client, login_as, org, new_customer):
    new_customer(org.rep1, name="星河科技有限公司")
    login_as(org.sup1)
    html = client.get("/").get_data(as_text=True)
    section = html[html.index('id="widget-crm-team_grades"'):]
    section = section[:section.index("</section>")]
    assert "data-chart-spec=" in section and 'id="chart-crm-team-grades-table"' in section
    assert "团队客户等级分布" in section and "未分级" in section
    assert "您名下还没有客户" not in html  # no empty personal widget for someone who leads a team
