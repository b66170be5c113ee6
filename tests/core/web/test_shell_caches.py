"""The signed-in shell's fixed cost (issues 5-7 "Performance"): a handful of statements per page, and caches that
see every change on the next request, whichever process made it."""

from __future__ import annotations

from typing import Any

from flask import render_template_string, url_for
from markupsafe import Markup
from sqlalchemy import event, select, update

from core.extensions import db
from core.identity.users import update_user
from core.plugins.models import ChangeCounter
from core.settings import set_setting
from core.settings.models import Setting


def statements_of(app: Any, client: Any, url: str) -> list[str]:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements


def nav_of(html: str) -> str:
    start = html.index('id="sidebar"')
    return html[start:html.index("</nav>", start)]


def test_the_shell_costs_one_statement(app, client, make_user, login_as):
    """One statement for a signed-in page with no SQL of its own (issue 18): the user with their session row,
    roles, team flag, unread count and the change counters. Nothing else for the layout, the menu (with "My
    team"), the grants, the settings and the time zone, once the process has read them."""
    boss = make_user("boss", roles=["sales_manager"], locale="en")
    make_user("rep", superior_id=boss.id)
    login_as(boss)
    client.get("/search")  # a first request may fill the process's caches
    statements = statements_of(app, client, "/search")
    assert len(statements) == 1, statements
    user = statements[0]
    assert "FROM core_user" in user and "core_role" in user and "EXISTS" in user  # roles, has a team
    assert "core_user_session" in user and "count(core_notification.id)" in user  # the session, the badge
    assert "core_change_counter" in user  # the counters every process cache is checked against
    assert "core_grant" not in user  # the roles' grants are the process's (core/identity/grant_cache.py)
    assert 'href="/team"' in client.get("/search").get_data(as_text=True)  # "My team" without a query of its own


def test_a_signed_out_page_reads_the_counters_on_their_own(app, client):
    statements = statements_of(app, client, "/login")
    assert len(statements) == 1 and "FROM core_change_counter" in statements[0], statements


def test_a_role_granted_is_seen_on_the_next_request(app, client, make_user, login_as):
    user = make_user("clerk", roles=["sales_rep"], locale="en")
    login_as(user)
    assert client.get("/admin/users").status_code == 403
    assert 'href="/admin/users"' not in nav_of(client.get("/").get_data(as_text=True))
    update_user(db.session, user, roles=["sales_rep", "hr"])
    db.session.commit()
    assert client.get("/admin/users").status_code == 200
    assert 'href="/admin/users"' in nav_of(client.get("/").get_data(as_text=True))


def test_the_menu_is_shared_by_grants_yet_follows_each_users_team(app, client, make_user, login_as):
    first = make_user("first", roles=["sales_rep"], locale="en")
    second = make_user("second", roles=["sales_rep"], locale="en")
    login_as(first)
    assert 'href="/team"' not in nav_of(client.get("/").get_data(as_text=True))
    make_user("junior", superior_id=first.id)
    assert 'href="/team"' in nav_of(client.get("/").get_data(as_text=True))  # a subordinate: "My team"
    login_as(second)
    assert 'href="/team"' not in nav_of(client.get("/").get_data(as_text=True))  # same roles, no team


def test_a_plugin_disabled_by_another_process_leaves_the_menu_on_the_next_request(app, client, make_app, make_user,
                                                                                  login_as):
    login_as(make_user("boss", roles=["admin"], locale="en"))
    assert 'href="/crm/customers"' in nav_of(client.get("/").get_data(as_text=True))
    other = make_app()  # a second process on the same database
    with other.app_context():
        from core.setup import disable_plugins

        for dependent in other.extensions["netsales"].enabled_dependents("crm"):
            disable_plugins(other, dependent)
        disable_plugins(other, "crm")
    assert 'href="/crm/customers"' not in nav_of(client.get("/").get_data(as_text=True))
    assert client.get("/crm/customers").status_code == 404


def test_a_setting_changed_by_another_process_is_seen_on_the_next_request(app, client, make_app, make_user,
                                                                          login_as):
    login_as(make_user("boss", roles=["admin"], locale="en"))
    client.get("/")  # the process now keeps the settings
    other = make_app()
    with other.app_context():
        set_setting("core.company_name", "Zenith Trading")
        db.session.commit()
    assert "Zenith Trading" in client.get("/").get_data(as_text=True)
    with other.app_context():
        set_setting("core.timezone", "UTC")
        db.session.commit()
    assert "Zenith Trading" in client.get("/").get_data(as_text=True)


def test_settings_are_read_afresh_when_the_counters_were_not_read_in_this_request(make_app, make_user, login_as):
    """With PLUGIN_REFRESH_SECONDS the counters are not read on every request: settings then come from the
    database each request, as before, never from a stale copy."""
    lazy = make_app(PLUGIN_REFRESH_SECONDS=3600)
    with lazy.app_context():
        client = login_as(make_user("boss", roles=["admin"], locale="en"), on=lazy.test_client())
        client.get("/")
        client.get("/")
        other = make_app()
        with other.app_context():
            set_setting("core.company_name", "Quiet Hours Ltd")
            db.session.commit()
        assert "Quiet Hours Ltd" in client.get("/").get_data(as_text=True)


def test_a_database_put_back_to_an_earlier_state_is_not_mistaken_for_the_cached_one(app, client, make_user,
                                                                                    login_as):
    """Counters move by random steps: after a restore (a backup, the tests' baseline) brings a counter back, the
    next change does not land on the value a process cached, which a +1 counter would."""
    login_as(make_user("boss", roles=["admin"], locale="en"))

    def counter() -> int | None:
        return db.session.scalar(select(ChangeCounter.value).where(ChangeCounter.name == "settings"))

    before = counter()
    set_setting("core.company_name", "First Name Ltd")
    db.session.commit()
    assert "First Name Ltd" in client.get("/").get_data(as_text=True)
    cached = counter()
    assert cached != before
    # The restore: the row and the counter as they were.
    db.session.execute(Setting.__table__.delete().where(Setting.key == "core.company_name"))
    if before is None:
        db.session.execute(ChangeCounter.__table__.delete().where(ChangeCounter.name == "settings"))
    else:
        db.session.execute(update(ChangeCounter).where(ChangeCounter.name == "settings").values(value=before))
    db.session.commit()
    assert "First Name Ltd" not in client.get("/").get_data(as_text=True)
    set_setting("core.company_name", "Second Name Ltd")
    db.session.commit()
    assert counter() != cached
    assert "Second Name Ltd" in client.get("/").get_data(as_text=True)


def test_a_locale_switch_translates_the_menu_on_the_next_request(app, client, make_user, login_as):
    login_as(make_user("boss", roles=["admin"], locale="en"))
    assert "Audit trail" in nav_of(client.get("/").get_data(as_text=True))
    client.post("/locale", data={"locale": "zh_Hans", "next": "/"})
    nav = nav_of(client.get("/").get_data(as_text=True))
    assert "审计日志" in nav or "审计" in nav
    assert "Audit trail" not in nav
    client.post("/locale", data={"locale": "en", "next": "/"})
    assert "Audit trail" in nav_of(client.get("/").get_data(as_text=True))


def test_templates_are_not_reloaded_outside_debug(app):
    assert app.debug is False and app.jinja_env.auto_reload is False


FORMER_ICON_MACRO = '''{% set ICON_ALIASES = {"home": "house", "dashboard": "layout-dashboard", "alert": "triangle-alert",
                       "chart": "chart-column", "money": "wallet", "edit": "pencil"} %}
{% macro icon(name, label=None, class="") -%}
<svg class="icon {{ class }}"{% if label %} role="img" aria-label="{{ label }}"{% else %} aria-hidden="true" focusable="false"{% endif %}><use href="{{ url_for('static', filename='vendor/lucide/sprite.svg') }}#{{ ICON_ALIASES.get(name, name) }}"></use></svg>
{%- endmacro %}'''
ICON_CALLS = ('[{{ icon("home") }}][{{ icon("x", class="a\\"b") }}][{{ icon("arrow-up", label=_("ascending")) }}]'
              '[{{ icon(name, label=label) }}][{{ icon("q", "lab", "cls") }}]')


def test_the_icon_function_draws_what_the_former_macro_drew(app):
    for language in ("en", "zh-CN"):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            values = {"name": "ch<", "label": Markup("a&amp;b")}
            former = render_template_string(FORMER_ICON_MACRO + ICON_CALLS, **values)
            now = render_template_string('{% from "macros/icons.html" import icon %}' + ICON_CALLS, **values)
            assert now.strip() == former.strip()


def test_bulk_checkbox_escapes_the_name_and_translates_the_label(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        html = render_template_string('{% import "macros/lists.html" as lists %}{{ lists.bulk_checkbox(v, n) }}',
                                      v='7"', n="<Acme & Co>")
    assert html == ('<td class="bulk-cell"><input type="checkbox" name="ids" value="7&#34;" '
                    'aria-label="Select &lt;Acme &amp; Co&gt;"></td>')


def test_list_links_are_the_urls_url_for_builds(app):
    from core.web.listing import _list_url

    tricky = {"q": "客户 & co/?#", "grade": "A+B", "sort": "-name", "page": "3", "x": "!$'()*,/:;?@%"}
    with app.test_request_context("/admin/users"):
        from flask import request

        app.preprocess_request()
        endpoint = request.endpoint
        assert _list_url(tricky) == url_for(endpoint, **tricky)
        assert _list_url({}) == url_for(endpoint)


def test_a_grant_changed_by_another_process_takes_effect_on_the_next_request(app, client, make_app, make_user,
                                                                              login_as):
    """Roles' grants are kept per process under the "roles" counter (core/identity/grant_cache.py): a grant given
    or taken in another process (a second app on the same database) counts at this process's next request."""
    from core.identity.models import Role
    from core.identity.roles import set_grants
    from core.security import granted_scopes

    login_as(make_user("clerk", roles=["sales_rep"], locale="en"))
    assert client.get("/admin/users").status_code == 403  # this process now keeps the representative's grants
    other = make_app()
    with other.app_context():
        role = db.session.scalar(select(Role).where(Role.code == "sales_rep"))
        granted = {grant.permission_code: grant.scope for grant in role.grants}
        set_grants(db.session, role, role.name, {**granted, "core.users.manage": "all"})
        db.session.commit()
    assert client.get("/admin/users").status_code == 200
    assert 'href="/admin/users"' in nav_of(client.get("/").get_data(as_text=True))
    with other.app_context():
        role = db.session.scalar(select(Role).where(Role.code == "sales_rep"))
        set_grants(db.session, role, role.name, granted)
        db.session.commit()
    assert client.get("/admin/users").status_code == 403
    with app.test_request_context():  # the ORM, outside a request that read the counters: the same answer
        from core.identity.models import User

        clerk = db.session.scalar(select(User).where(User.login == "clerk"))
        assert "core.users.manage" not in granted_scopes(clerk)


def test_any_flush_that_changes_a_role_or_grant_moves_the_roles_counter(app, make_user):
    """No writer can forget it: the ORM listener bumps the counter for grants added, changed or deleted directly,
    and not for a flush that leaves roles alone."""
    from core.identity.models import Grant, Role

    def counter() -> int | None:
        return db.session.scalar(select(ChangeCounter.value).where(ChangeCounter.name == "roles"))

    role = db.session.scalar(select(Role).where(Role.code == "hr"))
    seen = [counter()]
    grant = Grant(role_id=role.id, permission_code="core.roles.manage", scope="all")
    db.session.add(grant)
    db.session.commit()
    seen.append(counter())
    grant.scope = "own"
    db.session.commit()
    seen.append(counter())
    db.session.delete(grant)
    db.session.commit()
    seen.append(counter())
    assert len(set(seen)) == 4, seen  # each change moved it
    make_user("unrelated")  # a user with roles: the roles themselves are unchanged
    assert counter() == seen[-1]


def test_the_shell_statements_do_not_grow_with_grants_roles_or_notifications(app, client, make_user, login_as):
    """A representative (many grants) with several roles and many notifications: still the one statement."""
    from core.notifications import notify

    user = make_user("busy", roles=["sales_rep", "hr", "finance"], locale="en")
    login_as(user)
    client.get("/search")
    few = statements_of(app, client, "/search")
    for n in range(60):
        notify(user, "Number %(n)s", n=n)
    db.session.commit()
    many = statements_of(app, client, "/search")
    assert len(few) == len(many) == 1, many
    assert 'aria-label="60 unread">60</span>' in client.get("/search").get_data(as_text=True)  # the badge
