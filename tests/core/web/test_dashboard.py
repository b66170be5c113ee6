"""The dashboard: plugins' widgets by permission, one broken widget isolated, a real empty state."""

from __future__ import annotations

from flask import render_template
from flask_login import login_user

from core.setup import enable_plugins

WIDGET_HOOKS = """
from flask import Blueprint
from core.contracts import DashboardWidget

@hookimpl
def register_blueprints(app):
    app.register_blueprint(Blueprint("wdemo", __name__, template_folder="templates"))

@hookimpl
def dashboard_widgets(user):
    return [
        DashboardWidget("wdemo.open", "Open deals", "wdemo/count.html", order=2, context=lambda u: {"n": 42}),
        DashboardWidget("wdemo.broken", "Broken figures", "wdemo/count.html", order=1, context=lambda u: 1 / 0),
        DashboardWidget("wdemo.bad_template", "Bad template", "wdemo/nosuch.html", order=3),
        DashboardWidget("wdemo.admin", "Module health", "wdemo/count.html", permission="core.plugins.manage",
                        context=lambda u: {"n": 7}),
    ]
"""


def section(html: str, key: str) -> str:
    start = html.index(f'id="widget-{key}"')
    return html[start:html.index("</section>", start)]


def test_widgets_in_order_by_permission_with_failures_isolated(make_app, temp_plugin, make_user, login_as):
    package = temp_plugin("wdemo", hooks=WIDGET_HOOKS)
    (package / "templates" / "wdemo").mkdir(parents=True)
    (package / "templates" / "wdemo" / "count.html").write_text("<p class=\"figure\">{{ n }}</p>")
    app = make_app()
    with app.app_context():
        enable_plugins(app, "wdemo")
        client = app.test_client()
        login_as(make_user("rep", roles=["sales_rep"]), on=client)
        response = client.get("/")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert '<p class="figure">42</p>' in html
        assert html.index("Broken figures") < html.index("Open deals") < html.index("Bad template")
        assert 'class="widget-error"' in section(html, "wdemo-broken")
        assert 'class="widget-error"' in section(html, "wdemo-bad_template")
        assert 'class="widget-error"' not in section(html, "wdemo-open")
        assert "Module health" not in html
        login_as(make_user("boss", roles=["admin"]), on=client)
        assert '<p class="figure">7</p>' in client.get("/").get_data(as_text=True)


def test_an_empty_dashboard_says_what_will_appear(app, make_user):
    with app.test_request_context("/"):
        login_user(make_user("li"))
        html = render_template("core/dashboard.html", widgets=[])
    assert 'class="empty-state"' in html and 'class="widget-grid"' not in html
