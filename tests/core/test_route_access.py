"""Every route declares a permission or is explicitly public (DESIGN.md "Conventions"), for the core and every
installed plugin: a new route that forgets fails here."""

from core.auth.sessions import new_session_identity
from core.security import view_access


def test_every_route_declares_its_access(app):
    undeclared = [
        f"{rule.rule} -> {rule.endpoint}"
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and view_access(app.view_functions[rule.endpoint]) is None
    ]
    assert undeclared == []


def test_module_admin_page_needs_the_permission(client, make_user, login_as):
    assert client.get("/admin/plugins").status_code == 302  # to the sign-in page
    login_as(make_user(roles=["sales_rep"]))
    assert client.get("/admin/plugins").status_code == 403


def test_an_administrator_enables_and_disables_modules_from_the_admin_page(client, make_user, login_as):
    login_as(make_user("boss", roles=["admin"]))
    page = client.post("/admin/plugins/hello/enable", follow_redirects=True)
    assert "Enabled: hello" in page.get_data(as_text=True) or "已启用" in page.get_data(as_text=True)
    assert client.get("/hello/").status_code == 200
    client.post("/admin/plugins/hello/disable")
    assert client.get("/hello/").status_code == 404
    unknown = client.post("/admin/plugins/nosuch/enable", follow_redirects=True)
    assert unknown.status_code == 200


def test_state_changing_posts_without_a_csrf_token_are_rejected(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        key = new_session_identity(make_user("boss", roles=["admin"]))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = key
    assert client.post("/admin/plugins/hello/enable").status_code == 400
    assert client.get("/hello/").status_code == 404
