"""`can` in every template without a context processor, and plugins' timeline entries scoped to the viewer."""

from flask import render_template_string
from flask_login import login_user, logout_user


def test_can_is_a_global_of_every_template_for_the_signed_in_user(app, make_user):
    rep, admin = make_user("rep"), make_user("boss", roles=["admin"])
    template = "{{ can('core.users.manage') }}/{{ can('crm.customer.view') }}"
    with app.test_request_context("/"):
        login_user(rep)
        assert render_template_string(template) == "False/True"
    with app.test_request_context("/"):
        login_user(admin)
        assert render_template_string(template) == "True/True"
    with app.test_request_context("/"):  # nobody signed in
        logout_user()
        assert render_template_string(template) == "False/False"


def test_can_also_takes_a_user_first_as_core_security_can_does(app, make_user):
    rep = make_user("rep")
    with app.test_request_context("/"):
        assert render_template_string("{{ can(person, 'crm.customer.view') }}", person=rep) == "True"


def test_a_plugin_adds_to_a_timeline_only_what_the_viewer_may_see(make_app, temp_plugin, make_user):
    temp_plugin("notes", hooks='''
        from core.contracts import TimelineEntry
        from core.timeutil import utcnow

        @hookimpl
        def timeline_entries(obj, user):
            if getattr(user, "login", None) != "boss":
                return []
            return [TimelineEntry(utcnow(), "notes.secret", "for the boss only")]
    ''')
    app = make_app()
    with app.app_context():
        from core.setup import enable_plugins
        from core.timeline import timeline_for

        enable_plugins(app, "notes")
        boss, rep = make_user("boss"), make_user("rep")
        texts = lambda viewer: [i.text for i in timeline_for(boss, user=viewer).items]  # noqa: E731
        assert "for the boss only" in texts(boss)
        assert "for the boss only" not in texts(rep)
        with app.test_request_context("/"):
            from core.timeline.views import timeline_context

            login_user(rep)
            assert "for the boss only" not in [i.text for i in timeline_context(boss)["timeline"].items]
            login_user(boss)
            assert "for the boss only" in [i.text for i in timeline_context(boss)["timeline"].items]
