"""The audit trail's admin page (issue 3 §5): permission, filters, SQL pagination, CSV/XLSX export (itself audited),
and no route that changes the log."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, func, insert, select

from core.audit.models import AuditLog
from core.auth.sessions import new_session_identity
from core.identity.models import Grant, Permission, Role

T0 = datetime(2026, 3, 1, 2, 0)  # 10:00 in Shanghai


def add_entries(db, count, **fields):
    """Audit rows written directly (the log has no other way in than real changes)."""
    rows = []
    for n in range(count):
        row = {"at": T0 + timedelta(minutes=n), "user_id": None, "actor": "lisi", "action": "update",
               "table_name": "crm_customer", "model": "Customer", "record_id": str(n + 1),
               "changes": {"name": [f"old {n}", f"new {n}"]}}
        row.update(fields)
        rows.append(row)
    db.session.execute(insert(AuditLog.__table__), rows)
    db.session.commit()


@pytest.fixture
def auditor(make_user, login_as, db):
    """A user whose only extra right is the audit permission (not an administrator)."""
    role = Role(code="auditor", name="Auditor")
    role.grants.append(Grant(permission_code="core.audit.view", scope="all"))
    db.session.add(role)
    db.session.commit()
    user = make_user("auditor", roles=["auditor"])
    login_as(user)
    return user


def listed_records(response):
    page = response.get_data(as_text=True)
    return page.count('<td><a href="/admin/audit/?user=')


def test_the_page_needs_the_audit_permission(client, make_user, login_as, db):
    assert db.session.get(Permission, "core.audit.view") is not None
    assert client.get("/admin/audit/").status_code == 302
    login_as(make_user("zhangwei", roles=["sales_manager"]))
    assert client.get("/admin/audit/").status_code == 403
    assert client.get("/admin/audit/?export=csv").status_code == 403


def test_an_auditor_sees_changes_with_old_and_new_values(client, auditor, db):
    add_entries(db, 1, user_id=auditor.id, changes={"potential_value": ["100.00", "120.50"], "name_key": ["a", "b"],
                                                    "state": ["lead", "prospect"]})
    page = client.get("/admin/audit/?record_type=crm_customer")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    # Issue 12: the record's and the fields' labels, values' labels, the user's name; no field, model or code.
    assert "100.00 → 120.50" in text and "线索 → 潜在客户" in text and "客户" in text and auditor.name in text
    assert "potential_value" not in text and "Customer" not in text and "prospect" not in text
    assert "name_key" not in text  # untracked bookkeeping: not shown


def test_who_ran_a_change_is_named_for_a_reader(client, auditor, db):
    add_entries(db, 1, actor="job:crm.regrade")
    text = client.get("/admin/audit/?user=job:crm.regrade").get_data(as_text=True)
    assert ">定时任务<" in text and ">job:crm.regrade<" not in text


@pytest.mark.parametrize(("query", "expected"), [
    ({"user": "wangwu"}, 2),
    ({"action": "delete"}, 1),
    ({"record_type": "hello_greeting"}, 0),
    ({"record_type": "core_department", "record_id": "7"}, 1),
    ({"date_from": "2026-03-02"}, 3),
    ({"date_to": "2026-03-01"}, 3),
    ({"date_from": "2026-03-02", "date_to": "2026-03-02", "user": "wangwu", "action": "update",
      "record_id": "2"}, 1),
])
def test_filters(client, auditor, db, query, expected):
    query = {"record_type": "crm_customer", **query} if "record_type" not in query else query
    add_entries(db, 3)  # lisi, 1 March
    add_entries(db, 2, actor="wangwu", at=T0 + timedelta(days=1))
    add_entries(db, 1, action="delete", at=T0 + timedelta(days=1), record_id="99")
    add_entries(db, 1, table_name="core_department", model="Department", record_id="7")
    assert listed_records(client.get("/admin/audit/", query_string=query)) == expected


def test_the_date_range_follows_the_company_time_zone(client, auditor, db):
    add_entries(db, 1, at=datetime(2026, 3, 1, 17, 0))  # 1 March 17:00 UTC is 2 March 01:00 in Shanghai
    on_the_2nd = client.get("/admin/audit/", query_string={"record_type": "crm_customer",
                                                             "date_from": "2026-03-02", "date_to": "2026-03-02"})
    assert listed_records(on_the_2nd) == 1


@pytest.mark.parametrize(("query", "field"), [
    ({"date_from": "2026-13-01"}, "date_from"),
    ({"date_from": "2026-03-05", "date_to": "2026-03-01"}, "date_to"),
    ({"action": "drop-table"}, "action"),
    ({"user": "x" * 121}, "user"),
])
def test_bad_filters_are_explained_next_to_the_filter(client, auditor, db, query, field):
    add_entries(db, 2)
    page = client.get("/admin/audit/", query_string=query)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    at = text.index(f'id="filter-{field}"')
    assert text.index('class="field-error"', at) < text.index("</div>", at)
    assert listed_records(page) == 0


def test_empty_states(client, auditor, db):
    assert "没有符合筛选条件的变更" in client.get("/admin/audit/?user=nobody").get_data(as_text=True)
    assert "class=\"empty-state\"" in client.get("/admin/audit/?user=nobody").get_data(as_text=True)


def test_pages_are_cut_in_sql_with_a_fixed_number_of_queries(app, client, auditor, db):
    from core.extensions import db as database

    def queries_for(url):
        statements = []

        def count(*_args):
            statements.append(1)

        event.listen(database.engine, "before_cursor_execute", count)
        try:
            response = client.get(url)
        finally:
            event.remove(database.engine, "before_cursor_execute", count)
        return response, len(statements)

    add_entries(db, 3)
    client.get("/admin/audit/?record_type=crm_customer")  # a first request may fill the process's caches (grants)
    small, few = queries_for("/admin/audit/?record_type=crm_customer")
    add_entries(db, 117)
    large, many = queries_for("/admin/audit/?record_type=crm_customer")
    assert listed_records(small) == 3 and listed_records(large) == 50
    assert few == many
    last, _count = queries_for("/admin/audit/?record_type=crm_customer&page=3")
    assert listed_records(last) == 20


def test_csv_export_of_the_filtered_rows_is_itself_audited(client, auditor, db):
    add_entries(db, 2)
    add_entries(db, 1, actor="wangwu", changes={"note": [None, "=HYPERLINK(\"http://evil\")"]})
    answer = client.get("/admin/audit/?record_type=crm_customer&user=wangwu&export=csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["时间", "用户", "用户编号"]
    assert len(rows) == 2 and rows[1][1] == "wangwu" and rows[1][0] == "2026-03-01 10:00:00"
    exported = db.session.scalars(select(AuditLog).where(AuditLog.action == "export")).one()
    assert (exported.actor, exported.user_id) == ("auditor", auditor.id)
    assert exported.changes["rows"] == [None, 1] and exported.changes["format"] == [None, "csv"]
    assert exported.changes["filters"][1] == {"record_type": "crm_customer", "user": "wangwu"}


def test_xlsx_export(client, auditor, db):
    add_entries(db, 3)
    answer = client.get("/admin/audit/?record_type=crm_customer&export=xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.data)).active
    values = list(sheet.values)
    assert len(values) == 4 and values[1][1] == "lisi"
    assert '"name": ["old' in values[1][7]


def test_an_export_larger_than_the_limit_is_refused(make_app, make_user, db):
    app = make_app(AUDIT_EXPORT_MAX_ROWS=2)
    with app.app_context():
        add_entries(db, 3)
        key = new_session_identity(make_user("boss", roles=["admin"]))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = key
    answer = client.get("/admin/audit/?record_type=crm_customer&export=csv")
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "export")) == 0


def test_no_route_changes_the_log(app, client, auditor, db):
    add_entries(db, 1)
    audit_rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin/audit")]
    assert audit_rules and all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in audit_rules)
    before = db.session.scalars(select(AuditLog.changes)).all()
    for method in ("post", "put", "patch", "delete"):
        for path in ("/admin/audit/", "/admin/audit/1"):
            assert getattr(client, method)(path).status_code in (404, 405)
    db.session.expire_all()
    assert db.session.scalars(select(AuditLog.changes)).all() == before
