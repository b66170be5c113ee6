"""The users list adopts the list building blocks of issue 12: Group by (department, position, status) with counts,
a default "active" filter that "All" lifts, and saved views — drawn by templates/macros/lists.html."""

from __future__ import annotations

import re

from sqlalchemy import event

from core.identity.models import Department

EN = {"Accept-Language": "en"}


def body(response):
    assert response.status_code == 200
    return response.get_data(as_text=True)


def group_rows(html):
    """(label, href or None, count) of each group row."""
    table = html[html.index('class="list list-groups"'):html.index("</tbody>")]
    rows = re.findall(r'<th scope="row"[^>]*>(?:<a href="([^"]*)">)?([^<]*)(?:</a>)?</th>\s*<td class="num"[^>]*>([^<]*)</td>',
                      table)
    return [(label, href.replace("&amp;", "&") or None, count) for href, label, count in rows]


def test_users_group_by_department_and_position_with_labels_and_links(client, db, make_user, login_as):
    sales = Department(name="华东销售部")
    db.session.add(sales)
    db.session.commit()
    admin = make_user("boss", roles=["admin"], name="Boss")
    for n in range(3):
        make_user(f"rep{n}", position="sales_rep", department_id=sales.id)
    gone = make_user("gone", position="sales_rep", department_id=sales.id)
    gone.active = False
    db.session.commit()
    login_as(admin)

    html = body(client.get("/admin/users?group=department", headers=EN))
    assert '<select id="list-group" name="group" data-autosubmit>' in html
    rows = group_rows(html)
    assert ("华东销售部", f"/admin/users?department={sales.id}", "3") in rows  # active people only, by default
    assert rows[-1] == ("No department", None, "1")  # the admin
    assert "<tfoot>" in html and "4 people" in html

    html = body(client.get("/admin/users?group=position&active=all", headers=EN))
    rows = group_rows(html)
    assert ("Sales representative", "/admin/users?active=all&position=sales_rep", "4") in rows
    assert all("_" not in label for label, _href, _count in rows)  # labels, never position codes

    html = body(client.get("/admin/users?group=status&active=all", headers=EN))
    assert [(label, count) for label, _href, count in group_rows(html)] == [("Active", "4"), ("Deactivated", "1")]


def test_the_status_filter_opens_on_active_people_and_all_shows_everyone(client, db, make_user, login_as):
    admin = make_user("boss", roles=["admin"])
    gone = make_user("gone", name="Gone Person")
    gone.active = False
    db.session.commit()
    login_as(admin)
    assert "Gone Person" not in body(client.get("/admin/users", headers=EN))
    html = body(client.get("/admin/users?active=all", headers=EN))
    assert "Gone Person" in html and '<option value="all" selected>' in html
    assert "Gone Person" in body(client.get("/admin/users?active=0", headers=EN))
    # A bad value is explained next to its filter, never a 500.
    assert "is not a valid value for Status" in body(client.get("/admin/users?active=maybe", headers=EN))


def test_a_grouped_users_page_costs_the_same_whatever_the_number_of_people(client, db, make_user, login_as):
    login_as(make_user("boss", roles=["admin"]))

    def statements(url):
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            body(client.get(url))
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    few = statements("/admin/users?group=position")
    for n in range(12):
        make_user(f"extra{n}", position=("sales_rep", "hr", "finance")[n % 3])
    assert statements("/admin/users?group=position") == few


def test_the_status_reads_as_a_persons_in_chinese_whatever_a_module_calls_active(client, db, make_user, login_as):
    # "Active" is 在售 for a product and 进行中 for a course in their modules' catalogues, which merge with the
    # core's: the users list asks for its own context.
    login_as(make_user("boss", roles=["admin"]))
    html = body(client.get("/admin/users?group=status&active=all", headers={"Accept-Language": "zh-CN"}))
    assert [label for label, _href, _count in group_rows(html)] == ["有效"]
    assert '<option value="0">已停用</option>' in html
