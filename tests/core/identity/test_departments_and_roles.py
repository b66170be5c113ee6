"""Departments (tree without circles) and roles (grants with scopes; built-in roles not deletable, custom roles in
use not deletable; an edit applies on the next request)."""

from __future__ import annotations

from sqlalchemy import select

from core.identity.models import Department, Grant, Role


def test_departments_are_created_edited_and_never_nested_in_themselves(client, login_as, db, org):
    login_as(org.admin)
    client.post("/admin/departments/new", data={"name": "总部", "parent_id": "None", "head_id": str(org.manager.id)})
    top = db.session.scalar(select(Department).where(Department.name == "总部"))
    client.post("/admin/departments/new", data={"name": "销售部", "parent_id": str(top.id), "head_id": ""})
    child = db.session.scalar(select(Department).where(Department.name == "销售部"))
    assert child.parent_id == top.id and top.head_id == org.manager.id
    refused = client.post(f"/admin/departments/{top.id}/edit", data={"name": "总部", "parent_id": str(child.id),
                                                                    "head_id": ""})
    assert refused.status_code == 200 and "below itself" in refused.get_data(as_text=True)
    duplicate = client.post("/admin/departments/new", data={"name": "销售部", "parent_id": "None", "head_id": ""})
    assert "already called" in duplicate.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Department, top.id).parent_id is None
    listing = client.get("/admin/departments").get_data(as_text=True)
    assert listing.index("总部") < listing.index("销售部")


def test_a_role_edit_takes_effect_on_the_next_request(client, login_as, db, org):
    login_as(org.rep1)
    assert client.get("/admin/users").status_code == 403
    rep_role = db.session.scalar(select(Role).where(Role.code == "sales_rep"))
    granted = [g.permission_code for g in rep_role.grants]
    login_as(org.admin, on=(admin := client.application.test_client()))
    admin.post(f"/admin/roles/{rep_role.id}/edit", data={"name": "Sales representative",
                                                       "grant": [*granted, "core.users.manage"]})
    assert client.get("/admin/users").status_code == 200
    admin.post(f"/admin/roles/{rep_role.id}/edit", data={"name": "Sales representative", "grant": granted})
    assert client.get("/admin/users").status_code == 403


def test_scopes_are_edited_per_record_level_permission(client, login_as, db, org, enable_plugin):
    enable_plugin("hello")
    login_as(org.admin)
    role = db.session.scalar(select(Role).where(Role.code == "sales_rep"))
    page = client.get(f"/admin/roles/{role.id}/edit").get_data(as_text=True)
    assert 'name="scope-hello.greeting.view"' in page and 'name="scope-hello.greeting.create"' not in page
    client.post(f"/admin/roles/{role.id}/edit", data={
        "name": "Sales representative", "grant": ["hello.greeting.view", "hello.greeting.create"],
        "scope-hello.greeting.view": "team", "scope-hello.greeting.create": "own",
    })
    db.session.expire_all()
    scopes = dict(db.session.execute(select(Grant.permission_code, Grant.scope).where(Grant.role_id == role.id)).all())
    assert scopes == {"hello.greeting.view": "team", "hello.greeting.create": "all"}


def test_custom_roles_are_created_and_deleted_only_while_unused(client, login_as, db, org, make_user):
    login_as(org.admin)
    bad = client.post("/admin/roles/new", data={"code": "Bad Code", "name": "x"})
    assert 'class="field-error"' in bad.get_data(as_text=True)
    client.post("/admin/roles/new", data={"code": "auditor", "name": "审计员"})
    auditor = db.session.scalar(select(Role).where(Role.code == "auditor"))
    assert auditor is not None and not auditor.builtin
    auditor_id = auditor.id
    holder = make_user("auditor1", roles=["auditor"])
    client.post(f"/admin/roles/{auditor_id}/delete")
    assert db.session.get(Role, auditor_id) is not None  # in use
    holder.roles = []
    db.session.commit()
    client.post(f"/admin/roles/{auditor_id}/delete")
    db.session.expire_all()
    assert db.session.get(Role, auditor_id) is None
    builtin = db.session.scalar(select(Role).where(Role.code == "finance"))
    client.post(f"/admin/roles/{builtin.id}/delete")
    assert db.session.get(Role, builtin.id) is not None
