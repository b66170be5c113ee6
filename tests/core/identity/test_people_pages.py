"""Pages for everyone signed in: org chart, my profile (with plugins' sections), my team (recursive)."""

from __future__ import annotations

from core.auth.sessions import new_session_identity
from core.identity.models import Department


def test_org_chart_shows_departments_heads_members_and_reporting_lines(client, login_as, db, org):
    sales = Department(name="网络销售部", head_id=org.manager.id)
    db.session.add(sales)
    db.session.flush()
    org.rep1.department_id = sales.id
    db.session.commit()
    login_as(org.rep1)
    page = client.get("/org").get_data(as_text=True)
    assert "网络销售部" in page and "Manager" in page and "Rep1" in page
    # Reporting lines: junior is nested below rep2, who is below sup1.
    lines = page.split("Reporting lines")[1]
    assert lines.index("Manager") < lines.index("Sup1") < lines.index("Rep2") < lines.index("Junior")


def test_profile_shows_own_data_superior_roles_and_team(client, login_as, org):
    login_as(org.sup1)
    page = client.get("/profile").get_data(as_text=True)
    assert "sup1" in page and "Manager" in page and "Sales supervisor" in page
    assert "Rep1" in page and "3 in your whole team" in page


def test_profile_includes_sections_from_the_user_profile_sections_hook(make_app, temp_plugin, make_user):
    package = temp_plugin("profiler", hooks="""
        from core.contracts import ProfileSection

        @hookimpl
        def user_profile_sections(user):
            return [ProfileSection("profiler.badge", "Badges", "profiler/badge.html",
                                   context=lambda u: {"badge": "top seller " + u.login})]

        @hookimpl
        def register_blueprints(app):
            from flask import Blueprint
            app.register_blueprint(Blueprint("profiler", "profiler", template_folder="templates"))
    """)
    (package / "templates" / "profiler").mkdir(parents=True)
    (package / "templates" / "profiler" / "badge.html").write_text("<p>{{ context.badge }}</p>")
    app = make_app()
    from core.setup import enable_plugins

    with app.app_context():
        enable_plugins(app, "profiler")
        user = make_user("star", locale="en")
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = new_session_identity(user)
        page = client.get("/profile").get_data(as_text=True)
    assert "Badges" in page and "top seller star" in page


def test_my_team_lists_everyone_below_recursively(client, login_as, org):
    login_as(org.sup1)
    page = client.get("/team").get_data(as_text=True)
    assert "Rep1" in page and "Junior" in page and "Rep3" not in page
    login_as(org.rep1)
    assert "Nobody reports to you" in client.get("/team").get_data(as_text=True)


def test_menu_offers_my_team_only_to_people_with_subordinates(client, login_as, org):
    login_as(org.sup1)
    assert "/team" in client.get("/org").get_data(as_text=True)
    login_as(org.rep1)
    assert 'href="/team"' not in client.get("/org").get_data(as_text=True)
