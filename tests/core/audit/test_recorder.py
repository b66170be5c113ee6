"""The audit trail's recorder (issue 3 §5, R13): every create, update and delete of a business record, with who,
when and field-level old → new values, written in the same transaction as the change."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.audit import AuditLogIsAppendOnly, audit_actor, history_for, is_audited, log_event
from core.audit.models import AuditLog
from core.audit.recorder import _action_for, jsonable
from core.auth.models import LoginAttempt
from core.identity.models import Department, Permission, Role, User
from core.identity.users import set_password
from core.jobs.models import Job
from core.plugins.models import ChangeCounter, PluginState


def entries(db, table, record_id=None):
    stmt = select(AuditLog).where(AuditLog.table_name == table).order_by(AuditLog.id)
    if record_id is not None:
        stmt = stmt.where(AuditLog.record_id == str(record_id))
    return db.session.scalars(stmt).all()


def test_create_update_and_delete_are_recorded_with_field_level_diffs(db):
    with audit_actor("cli:test"):
        sales = Department(name="网络销售部")
        db.session.add(sales)
        db.session.commit()
        sales.name = "网络销售一部"
        db.session.commit()
        record_id = sales.id
        db.session.delete(sales)
        db.session.commit()
    created, updated, deleted = entries(db, "core_department", record_id)
    assert (created.action, created.model, created.actor, created.user_id) == ("create", "Department", "cli:test", None)
    assert created.changes == {"id": [None, record_id], "name": [None, "网络销售部"]}
    assert updated.action == "update" and updated.changes == {"name": ["网络销售部", "网络销售一部"]}
    assert deleted.action == "delete" and deleted.changes == {"id": [record_id, None], "name": ["网络销售一部", None]}
    assert created.at <= updated.at <= deleted.at


def test_an_update_of_a_value_never_loaded_records_the_true_old_value(db):
    department = Department(name="华东区")
    db.session.add(department)
    db.session.commit()  # expires the instance: the next assignment does not load the old name first
    department.name = "华东大区"
    db.session.commit()
    assert entries(db, "core_department", department.id)[-1].changes == {"name": ["华东区", "华东大区"]}


def test_setting_the_same_value_records_nothing(db):
    department = Department(name="华南区")
    db.session.add(department)
    db.session.commit()
    department.name = "华南区"
    db.session.commit()
    assert [e.action for e in entries(db, "core_department", department.id)] == ["create"]


def test_dates_are_stored_as_strings_and_secrets_are_never_stored(db, make_user):
    user = make_user("zhangwei", hire_date=date(2026, 3, 1))
    created = entries(db, "core_user", user.id)[0]
    assert created.changes["hire_date"] == [None, "2026-03-01"]
    assert created.changes["password_hash"] == [None, "***"]
    set_password(user, "Another-secret-77")
    db.session.commit()
    changed = entries(db, "core_user", user.id)[-1]
    assert changed.changes == {"password_hash": ["***", "***"], "session_token": ["***", "***"]}
    everything = str([e.changes for e in entries(db, "core_user")])
    assert user.password_hash not in everything and user.session_token not in everything


def test_values_are_serialised_for_json():
    assert jsonable(Decimal("1234.50")) == "1234.50"
    assert jsonable(date(2026, 3, 1)) == "2026-03-01"
    assert jsonable(b"\x00\x01") == "<2 bytes>"
    assert jsonable({"amount": Decimal("1.10")}) == {"amount": "1.10"}


def test_role_changes_of_a_user_are_recorded_as_lists(db, make_user):
    user = make_user("zhangwei", roles=["sales_rep"])
    admin = db.session.scalar(select(Role).where(Role.code == "admin"))
    user.roles.append(admin)
    db.session.commit()
    change = entries(db, "core_user", user.id)[-1]
    old, new = change.changes["roles"]
    assert [r.split(" ")[0] for r in old] == ["sales_rep"]
    assert [r.split(" ")[0] for r in new] == ["admin", "sales_rep"]


@pytest.mark.parametrize(("columns", "action"), [
    ({"state"}, "state"), ({"status", "note"}, "state"), ({"archived"}, "archive"),
    ({"archived_at", "name"}, "archive"), ({"name"}, "update"),
])
def test_state_and_archive_changes_get_their_own_action(columns, action):
    assert _action_for(columns) == action


def test_the_signed_in_user_is_the_actor_of_a_request(app, client, make_user, login_as, enable_plugin, db):
    enable_plugin("hello")
    user = make_user("zhangwei", roles=["sales_rep"])
    login_as(user)
    assert client.post("/hello/", data={"text": "大家好"}).status_code == 302
    (entry,) = entries(db, "hello_greeting")  # a plugin's model, audited without any code of its own
    assert (entry.action, entry.actor, entry.user_id, entry.model) == ("create", "zhangwei", user.id, "Greeting")
    assert entry.changes["text"] == [None, "大家好"]


def test_without_a_user_or_a_named_actor_the_system_is_the_actor(db):
    db.session.add(Department(name="财务部"))
    db.session.commit()
    assert entries(db, "core_department")[-1].actor == "system"


def test_a_rollback_leaves_no_audit_row(db):
    before = db.session.scalar(select(func.count()).select_from(AuditLog))
    db.session.add(Department(name="临时部门"))
    db.session.flush()  # the change and its audit row are written...
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == before + 1
    db.session.rollback()  # ...and go together
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == before


def test_a_failed_flush_leaves_nothing_behind_for_the_next_commit(db):
    db.session.add(Department(name="重复"))
    db.session.commit()
    db.session.add(Department(name="重复"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(Department(name="唯一"))
    db.session.commit()
    assert [e.changes["name"][1] for e in entries(db, "core_department")] == ["重复", "唯一"]


def test_bookkeeping_tables_opt_out(app, db, enable_plugin, disable_plugin, make_user, client):
    assert not any(is_audited(model) for model in (AuditLog, LoginAttempt, PluginState, ChangeCounter, Permission,
                                                   Job))
    assert is_audited(User) and is_audited(Department)
    enable_plugin("hello")
    disable_plugin("hello")
    client.post("/login", data={"login": "nobody", "password": "Wrong-password-1"})
    recorded = set(db.session.scalars(select(AuditLog.table_name).distinct()))
    assert recorded.isdisjoint({"core_plugin_state", "core_change_counter", "core_login_attempt",
                                "core_permission", "core_audit_log"})


def test_history_for_a_record_oldest_first(db):
    department = Department(name="一部")
    db.session.add(department)
    db.session.commit()
    for name in ("二部", "三部"):
        department.name = name
        db.session.commit()
    history = history_for(department)
    assert [e.action for e in history] == ["create", "update", "update"]
    assert history[-1].changes == {"name": ("二部", "三部")}
    assert history_for("core_department", department.id) == history
    assert history_for(department, limit=2) == history[1:]
    assert history_for("core_department", 999999) == []


def test_audit_rows_cannot_be_changed_or_deleted(db):
    log_event("export", "core_audit_log", details={"rows": 1})
    db.session.commit()
    row = db.session.scalars(select(AuditLog)).first()
    row.actor = "someone else"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalars(select(AuditLog)).first())
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalars(select(AuditLog.actor)).first() == "system"
