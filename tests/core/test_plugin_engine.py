"""The plugin engine at work: discovery, broken plugins, enable/disable, isolation, several processes (issue 2)."""

from sqlalchemy import create_engine, inspect, select

from core.auth.sessions import new_session_identity
from core.contracts import MenuItem
from core.plugins.models import PluginState

MENU_HOOK = """
from core.contracts import MenuItem

@hookimpl
def menu_items(user):
    return [MenuItem("{name}", "{name} menu", "core.dashboard")]
"""


def state(app, name):
    return app.extensions["netsales"].state_label(name)


def test_entry_point_plugins_are_discovered_like_builtin_ones(app):
    hello = app.extensions["netsales"].plugins["hello"]
    assert hello.source == "entry point"
    assert hello.loaded and hello.manifest.clauses == ("R8.1.2",)


def test_a_plugin_whose_import_raises_is_broken_and_the_app_still_serves(make_app, temp_plugin, make_user,
                                                                          login_as):
    temp_plugin("boom", init="raise RuntimeError('kaput')")
    app = make_app()
    assert state(app, "boom") == "broken: import failed: RuntimeError: kaput"
    with app.app_context():
        client = login_as(make_user("root", roles=["admin"]), on=app.test_client())
        page = client.get("/admin/plugins")
    assert page.status_code == 200
    assert "import failed: RuntimeError: kaput" in page.get_data(as_text=True)
    assert client.get("/").status_code == 200


def test_a_missing_dependency_marks_the_plugin_and_its_dependents_broken(make_app, temp_plugin):
    temp_plugin("needy", depends=["nothere"])
    temp_plugin("needier", depends=["needy"])
    app = make_app()
    assert state(app, "needy") == "broken: depends on nothere, which is not installed"
    assert state(app, "needier") == "broken: depends on needy, which is broken"
    assert app.test_client().get("/health").status_code == 200


def test_unknown_hooks_and_unsupported_core_api_are_reported(make_app, temp_plugin):
    temp_plugin("typo", hooks="@hookimpl\ndef menu_itemz(user):\n    return []\n")
    temp_plugin("future", core_api=">=2.0")
    app = make_app()
    assert state(app, "typo") == "broken: implements hooks that do not exist: menu_itemz"
    assert state(app, "future") == "broken: needs core API >=2.0; this NetSales offers 1.0"


def test_enabling_pulls_in_dependencies_and_disabling_a_needed_plugin_is_refused(make_app, temp_plugin):
    temp_plugin("base")
    temp_plugin("child", depends=["base"])
    app = make_app()
    from core.plugins.engine import PluginError
    from core.setup import disable_plugins, enable_plugins

    with app.app_context():
        assert enable_plugins(app, "child") == ["base", "child"]
        try:
            disable_plugins(app, "base")
        except PluginError as exc:
            assert "child" in str(exc)
        else:
            raise AssertionError("disabling base must be refused while child needs it")
        assert state(app, "base") == "enabled"
        assert disable_plugins(app, "child") == ["child"]
        assert disable_plugins(app, "base") == ["base"]


def test_bridge_plugins_follow_their_dependencies(make_app, temp_plugin):
    temp_plugin("left")
    temp_plugin("right")
    temp_plugin("bridge", depends=["left", "right"], auto_enable=True)
    app = make_app()
    from core.setup import disable_plugins, enable_plugins

    with app.app_context():
        enable_plugins(app, "left")
        assert enable_plugins(app, "right") == ["right", "bridge"]
        assert disable_plugins(app, "left") == ["bridge", "left"]


def test_hooks_reach_only_enabled_plugins(make_app, temp_plugin, make_user):
    temp_plugin("menu1", hooks=MENU_HOOK.format(name="menu1"))
    app = make_app()
    engine = app.extensions["netsales"]
    from core.setup import enable_plugins

    with app.app_context():
        user = make_user()
        keys = lambda: {i.key for i in engine.collect("menu_items", MenuItem, user=user)}  # noqa: E731
        assert "menu1" not in keys()
        enable_plugins(app, "menu1")
        assert "menu1" in keys()


def test_a_plugin_that_raises_in_a_hook_is_isolated_and_the_others_still_answer(make_app, temp_plugin,
                                                                                 make_user, login_as):
    temp_plugin("fine", hooks=MENU_HOOK.format(name="fine"))
    temp_plugin("faulty", hooks="@hookimpl\ndef menu_items(user):\n    raise KeyError('oops')\n")
    app = make_app()
    from core.extensions import db
    from core.setup import enable_plugins

    with app.app_context():
        enable_plugins(app, "fine")
        enable_plugins(app, "faulty")
        client = login_as(make_user(), on=app.test_client())
        page = client.get("/")
        assert page.status_code == 200
        assert "fine menu" in page.get_data(as_text=True)
        assert state(app, "faulty").startswith("broken: raised KeyError in menu_items")
        assert "menu_items" in db.session.get(PluginState, "faulty").last_error
        # Enabling it again (after a fix) gives it another chance.
        assert client.get("/").status_code == 200


def test_disabling_deletes_nothing_and_enabling_brings_it_back(app, db, make_user, enable_plugin, disable_plugin):
    from netsales_hello.models import Greeting
    from netsales_hello.services import post_greeting

    enable_plugin("hello")
    post_greeting(db.session, make_user().id, "你好")
    db.session.commit()
    disable_plugin("hello")
    assert db.session.scalar(select(Greeting.text)) == "你好"
    enable_plugin("hello")
    assert db.session.scalar(select(Greeting.text)) == "你好"


def test_a_change_in_one_process_is_seen_by_another_without_restart(make_app, make_user):
    first, second = make_app(), make_app()
    from core.setup import disable_plugins, enable_plugins

    with first.app_context():
        enable_plugins(first, "hello")
        user_key = new_session_identity(make_user("reader", roles=["sales_rep"]))
    client = second.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_key
    assert client.get("/hello/").status_code == 200
    with first.app_context():
        disable_plugins(first, "hello")
    assert client.get("/hello/").status_code == 404
    with first.app_context():
        enable_plugins(first, "hello")
    assert client.get("/hello/").status_code == 200


def test_enabling_a_plugin_the_first_time_runs_its_migrations(fresh_database, tmp_path):
    from core.testing.plugin import build_app

    app = build_app(fresh_database.url, tmp_path, enable="none")
    from core.setup import enable_plugins, initialise

    with app.app_context():
        initialise(app, admin_password="Str0ng-pass-2026")
        tables = lambda: inspect(create_engine(fresh_database.url)).get_table_names()  # noqa: E731
        assert "hello_greeting" not in tables()
        enable_plugins(app, "hello")
        assert "hello_greeting" in tables()
