"""Administering users (issue 3 §6): list with search, filters, sort and SQL paging; create, edit, deactivate,
reactivate, password reset — with field messages, never a 500, and reporting lines without circles."""

from __future__ import annotations

from sqlalchemy import event, select

from core.identity.models import User
from core.identity.passwords import verify_password


def body(response):
    return response.get_data(as_text=True)


def test_users_pages_need_the_permission(client, login_as, org):
    login_as(org.rep1)
    for url in ("/admin/users", "/admin/users/new", f"/admin/users/{org.rep2.id}/edit", "/admin/users/import",
                "/admin/departments", "/admin/roles"):
        assert client.get(url).status_code == 403, url
    login_as(org.hr)  # HR manages people by default, but not roles
    assert client.get("/admin/users").status_code == 200
    assert client.get("/admin/roles").status_code == 403


def test_list_searches_filters_and_sorts(client, login_as, org):
    login_as(org.admin)
    page = body(client.get("/admin/users?q=sup"))
    assert "sup1" in page and "sup2" in page and "rep1" not in page
    page = body(client.get("/admin/users?position=sales_rep&sort=login&dir=desc"))
    assert page.index("rep3") < page.index("rep1") and "sup1" not in page
    page = body(client.get("/admin/users?role=hr"))
    assert "hr1" in page and "rep1" not in page
    assert "Nobody matches" in body(client.get("/admin/users?q=nobody-like-this"))
    # LIKE wildcards in the search are taken literally.
    assert "Nobody matches" in body(client.get("/admin/users?q=%25"))


def test_list_paginates_in_sql_with_a_fixed_number_of_queries(app, db, client, login_as, make_user, org):
    login_as(org.admin)

    def count_queries(url):
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    few = count_queries("/admin/users")
    for n in range(30):
        make_user(f"extra{n:02d}", superior_id=org.sup1.id)
    many = count_queries("/admin/users")
    assert many == few
    first = body(client.get("/admin/users?sort=login"))
    assert "extra00" in first and "rep1" not in first  # 25 a page
    second = body(client.get("/admin/users?sort=login&page=2"))
    assert "rep1" in second and "extra00" not in second
    assert client.get("/admin/users?page=99").status_code == 200  # past the end: the last page


def test_admin_creates_a_user_with_a_generated_password_shown_once(client, login_as, db, org):
    login_as(org.admin)
    response = client.post("/admin/users/new", data={
        "login": "newrep", "name": "王芳", "email": "wang@example.cn", "phone": "13800000000",
        "position": "sales_rep", "department_id": "None", "superior_id": str(org.sup1.id),
        "hire_date": "2026-03-01", "roles": ["sales_rep"], "locale": "", "password": "",
    })
    assert response.status_code == 200
    user = db.session.scalar(select(User).where(User.login == "newrep"))
    assert user.superior_id == org.sup1.id and [r.code for r in user.roles] == ["sales_rep"]
    shown = body(response).split('class="secret">')[1].split("<")[0]
    assert verify_password(user.password_hash, shown)


def test_bad_input_is_reported_next_to_the_field_and_nothing_is_saved(client, login_as, db, org):
    login_as(org.admin)
    response = client.post("/admin/users/new", data={
        "login": "rep1", "name": "Dup", "position": "sales_rep", "email": "not-an-address", "locale": "",
        "department_id": "None", "superior_id": "",
    })
    assert response.status_code == 200 and 'class="field-error"' in body(response)
    response = client.post("/admin/users/new", data={
        "login": "fresh", "name": "Fresh", "position": "sales_rep", "locale": "", "department_id": "None",
        "superior_id": "", "password": "short",
    })
    assert "Use at least" in body(response)
    assert db.session.scalar(select(User).where(User.login == "fresh")) is None


def test_superior_cannot_be_oneself_or_create_a_circle(client, login_as, db, org):
    login_as(org.admin)

    def set_superior(user, superior):
        return client.post(f"/admin/users/{user.id}/edit", data={
            "name": user.name, "position": user.position, "locale": "", "department_id": "None",
            "superior_id": str(superior.id), "roles": [r.code for r in user.roles],
        })

    assert "circle" in body(set_superior(org.sup1, org.junior))  # junior reports to rep2, who reports to sup1
    assert "own superior" in body(set_superior(org.sup1, org.sup1))
    db.session.expire_all()
    assert db.session.get(User, org.sup1.id).superior_id == org.manager.id
    assert set_superior(org.rep3, org.sup1).status_code == 302  # a legitimate move
    db.session.expire_all()
    assert db.session.get(User, org.rep3.id).superior_id == org.sup1.id


def test_deactivation_ends_sessions_and_reactivation_lets_them_back(app, client, login_as, db, org):
    rep_client = app.test_client()
    login_as(org.rep1, on=rep_client)
    assert rep_client.get("/profile").status_code == 200
    login_as(org.admin)
    client.post(f"/admin/users/{org.rep1.id}/deactivate")
    assert rep_client.get("/profile").status_code == 302  # signed out: back to the sign-in page
    db.session.expire_all()
    user = db.session.get(User, org.rep1.id)
    assert not user.active
    client.post(f"/admin/users/{org.rep1.id}/reactivate")
    db.session.expire_all()
    assert db.session.get(User, org.rep1.id).active
    assert rep_client.get("/profile").status_code == 302  # the old session stays ended
    assert client.get(f"/admin/users/{org.rep1.id}/edit").status_code == 200


def test_the_last_administrator_and_oneself_cannot_be_deactivated(client, login_as, db, org):
    login_as(org.admin)
    client.post(f"/admin/users/{org.admin.id}/deactivate")
    db.session.expire_all()
    assert db.session.get(User, org.admin.id).active


def test_admin_password_reset_applies_the_policy_and_ends_sessions(client, login_as, db, org):
    login_as(org.admin)
    token = org.rep2.session_token
    refused = client.post(f"/admin/users/{org.rep2.id}/password", data={"password": "rep2rep2rep2"})
    assert 'class="field-error"' in body(refused)
    client.post(f"/admin/users/{org.rep2.id}/password", data={"password": "Good-pass-2026"})
    db.session.expire_all()
    user = db.session.get(User, org.rep2.id)
    assert verify_password(user.password_hash, "Good-pass-2026") and user.session_token != token
    generated = client.post(f"/admin/users/{org.rep2.id}/password", data={"password": ""})
    shown = body(generated).split('class="secret">')[1].split("<")[0]
    db.session.expire_all()
    assert verify_password(db.session.get(User, org.rep2.id).password_hash, shown)


def test_an_unknown_user_is_404(client, login_as, org):
    login_as(org.admin)
    assert client.get("/admin/users/999999/edit").status_code == 404
    assert client.post("/admin/users/999999/deactivate").status_code == 404


def test_hiring_someone_on_the_user_form_tells_the_plugins_and_creating_without_a_hire_date_does_not(
        app, client, login_as, db, org, monkeypatch):
    """employee_hired is how training starts onboarding (R3.2.1) for people added by hand, not only by recruitment."""
    engine = app.extensions["netsales"]
    heard = []
    real_call = engine.call

    def call(hook_name, **kwargs):
        if hook_name == "employee_hired":
            heard.append(kwargs["user"].login)
        return real_call(hook_name, **kwargs)

    monkeypatch.setattr(engine, "call", call)
    login_as(org.admin)
    for login, hire_date in (("hired1", "2026-03-01"), ("nohire", "")):
        response = client.post("/admin/users/new", data={
            "login": login, "name": "王芳", "position": "sales_rep", "department_id": "None",
            "superior_id": str(org.sup1.id), "hire_date": hire_date, "roles": ["sales_rep"], "locale": "",
            "password": ""})
        assert response.status_code == 200
    assert heard == ["hired1"]
