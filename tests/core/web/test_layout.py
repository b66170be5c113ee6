"""The application shell (templates/base.html, core/web/navigation.py): menu by permission with an Administration
section, search box, notifications badge, profile link, sign-out, phone menu, and no inline script or style (CSP)."""

from __future__ import annotations

import re

import pytest
from flask import render_template, render_template_string
from flask_login import login_user

from core.web.navigation import endpoint_url, is_active, nav_items, nav_tree


def item(key, url, parent=None):
    return {"key": key, "label": key, "url": url, "icon": "", "parent": parent}


def test_nav_tree_groups_children_and_the_administration_section():
    items = [item("core.dashboard", "/"), item("crm", "/crm/"), item("crm.customers", "/crm/customers", "crm"),
             item("core.plugins", "/admin/plugins", "admin"), item("orphan", "/x", "nosuchparent")]
    tree = nav_tree(items, "/crm/customers/7")
    assert [e["key"] for e in tree["main"]] == ["core.dashboard", "crm", "orphan"]
    assert [e["key"] for e in tree["main"][1]["children"]] == ["crm.customers"]
    assert [e["key"] for e in tree["admin"]] == ["core.plugins"]
    current = [e["key"] for e in [*tree["main"], *tree["main"][1]["children"]] if e["current"]]
    assert current == ["crm.customers"]  # the most specific match only, never the dashboard too
    assert tree["main"][1].get("open") is True
    assert is_active("/", "/") and not is_active("/", "/crm/") and not is_active("/crm", "/crmx")


#: base.html's former nav_item macro: core.web.navigation.nav_items must draw exactly what it drew.
FORMER_NAV_MACRO = """{%- from "macros/icons.html" import icon -%}
{%- macro nav_item(item, child=False) %}
<li>
  <a href="{{ item.url }}" class="nav-link{{ ' current' if item.current }}"{% if item.current %} aria-current="page"{% endif %}>
    {%- if item.icon or not child %}{{ icon(item.icon or "circle") }}{% else %}<span class="nav-dot" aria-hidden="true"></span>{% endif -%}
    <span>{{ item.label }}</span>
  </a>
  {% if item.children %}
  <ul class="nav-children">
    {% for sub in item.children %}{{ nav_item(sub, child=True) }}{% endfor %}
  </ul>
  {% endif %}
</li>
{%- endmacro %}{% for item in items %}{{ nav_item(item) }}{% endfor %}"""


def test_nav_items_draw_what_the_former_macro_drew(app):
    items = [item("core.dashboard", "/"), {**item("crm", "/crm/?a=1&b=<2>"), "icon": "users"},
             {**item("crm.customers", "/crm/customers", "crm"), "label": "Clients <&> \"x\""},
             {**item("crm.tags", "/crm/tags", "crm"), "icon": "tag"},
             item("core.plugins", "/admin/plugins", "admin")]
    with app.test_request_context("/crm/customers/7"):
        tree = nav_tree(items, "/crm/customers/7")
        for entries in (tree["main"], tree["admin"], []):
            expected = render_template_string(FORMER_NAV_MACRO, items=entries)
            assert str(nav_items(entries)) == expected
        assert 'class="nav-link current" aria-current="page"' in nav_items(tree["main"])
        assert "Clients &lt;&amp;&gt; &#34;x&#34;" in nav_items(tree["main"])


def test_the_sidebar_kept_per_menu_draws_what_layout_nav_draws_for_every_path(app):
    """Issue 18: the sidebar is drawn once per menu (DrawnNav) and only the current link is set per request; for
    any page, the output is layout_nav's, byte for byte, account items included."""
    from core.web.navigation import DrawnNav, layout_nav

    items = [item("core.dashboard", "/"), {**item("crm", "/crm/?a=1&b=<2>"), "icon": "users"},
             {**item("crm.customers", "/crm/customers", "crm"), "label": "Clients <&> \"x\""},
             {**item("crm.tags", "/crm/tags", "crm"), "icon": "tag"}, item("profile.pw", "/password", "account"),
             item("core.plugins", "/admin/plugins", "admin"), item("core.plugins.x", "/admin/plugins/x", "admin")]
    with app.test_request_context("/"):
        drawn = DrawnNav(items)
        for path in ("/", "/crm/customers/7", "/crm/tags", "/password", "/admin/plugins", "/admin/plugins/x/1",
                     "/elsewhere"):
            expected, kept = layout_nav(items, path), drawn.for_path(path)
            assert kept["main_html"] == expected["main_html"], path
            assert kept["admin_html"] == expected["admin_html"], path
            assert [(e["url"], e["current"]) for e in kept["account"]] == \
                [(e["url"], e["current"]) for e in expected["account"]], path
        assert drawn.for_path("/crm/tags")["main_html"].count('aria-current="page"') == 1


def test_an_endpoints_url_is_kept_per_script_root(app):
    """endpoint_url, the menu's URLs for a plugin's own links (tabs): the URL where the app is mounted, None for
    an endpoint that does not exist."""
    for root in ("", "/app", ""):
        with app.test_request_context("/", base_url=f"http://localhost{root}/"):
            assert endpoint_url("core.dashboard") == f"{root}/"
            assert endpoint_url("core.no_such_page") is None


def test_menu_shows_only_what_the_user_may_open(client, make_user, login_as):
    login_as(make_user("rep", roles=["sales_rep"]))
    html = client.get("/").get_data(as_text=True)
    assert 'href="/admin/plugins"' not in html
    login_as(make_user("boss", roles=["admin"]))
    html = client.get("/").get_data(as_text=True)
    nav = html[html.index('id="sidebar"'):html.index("</nav>", html.index('id="sidebar"'))]
    assert 'href="/admin/plugins"' in nav
    assert -1 < nav.index('class="nav-section"') < nav.index('href="/admin/plugins"')  # under Administration


def test_the_shell_has_search_profile_sign_out_and_a_phone_menu(client, make_user, login_as):
    login_as(make_user("li", roles=["sales_rep"], name="李雷"))
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<form class="topbar-search" method="get" action="/search"', html)
    assert 'name="q"' in html
    assert re.search(r'<a href="/profile"[^>]*>.*李雷', html)
    assert 'action="/logout"' in html
    assert 'id="nav-toggle"' in html and 'for="nav-toggle"' in html  # the CSS-only phone menu
    assert 'action="/locale"' in html


@pytest.mark.parametrize(("unread", "badge"), [(7, ">7<"), (250, ">99+<"), (0, None)])
def test_the_notifications_badge(app, make_user, unread, badge):
    user = make_user("li")
    with app.test_request_context("/"):
        login_user(user)
        html = render_template("core/dashboard.html", widgets=[], unread_notifications=unread)
    assert 'href="/notifications"' in html
    if badge:
        assert 'class="badge"' in html and badge in html
    else:
        assert 'class="badge"' not in html


def test_breadcrumbs_and_page_header_macros(app, make_user):
    with app.test_request_context("/"):
        login_user(make_user("li"))
        html = render_template_string(
            '{% import "macros/layout.html" as layout %}'
            '{{ layout.breadcrumbs([("Customers", "/crm/customers"), ("ACME", None)]) }}'
            '{% call layout.page_header("ACME") %}<a class="button" href="/e">Edit</a>{% endcall %}')
    assert '<a href="/crm/customers">Customers</a>' in html and '<li aria-current="page">ACME</li>' in html
    assert 'class="page-actions"' in html and "Edit" in html


def assert_no_inline_script_or_style(html: str) -> None:
    assert not re.search(r"\sstyle\s*=", html), "inline style attribute (forbidden by the CSP)"
    assert not re.search(r"<style", html), "inline <style> (forbidden by the CSP)"
    for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in attributes and not body.strip(), "inline <script> (forbidden by the CSP)"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler (forbidden by the CSP)"
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html, "no CDN"


def test_pages_carry_no_inline_script_style_or_cdn(client, make_user, login_as):
    assert_no_inline_script_or_style(client.get("/login").get_data(as_text=True))
    login_as(make_user("boss", roles=["admin"]))
    for path in ("/", "/admin/plugins", "/no/such/page"):
        assert_no_inline_script_or_style(client.get(path).get_data(as_text=True))


def test_vendored_assets_are_served_with_their_licences(client):
    for path in ("vendor/htmx/htmx.min.js", "vendor/htmx/LICENSE", "vendor/chartjs/chart.umd.min.js",
                 "vendor/chartjs/LICENSE.md", "vendor/lucide/sprite.svg", "vendor/lucide/LICENSE",
                 "js/netsales.js", "css/netsales.css"):
        response = client.get(f"/static/{path}")
        assert response.status_code == 200, path
        response.close()


def test_htmx_is_configured_for_the_csp(client):
    html = client.get("/login").get_data(as_text=True)
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', html).group(1)
    assert '"includeIndicatorStyles": false' in config and '"allowEval": false' in config


def test_form_macros_put_errors_and_help_next_to_the_field(app):
    from flask_wtf import FlaskForm
    from wtforms import BooleanField, StringField
    from wtforms.validators import DataRequired

    class CustomerForm(FlaskForm):
        name = StringField("Name", validators=[DataRequired()], description="As on the business licence")
        vip = BooleanField("VIP")

    with app.test_request_context("/", method="POST", data={"name": ""}):
        form = CustomerForm()
        assert not form.validate()
        html = render_template_string('{% import "macros/forms.html" as forms %}'
                                      '{{ forms.form(form, submit="Save", cancel_url="/back") }}', form=form)
    assert re.search(r'<label for="name">Name<span class="required-mark"', html)
    assert 'aria-invalid="true"' in html and 'aria-describedby="name-help name-error"' in html
    assert '<p class="field-help" id="name-help">As on the business licence</p>' in html
    assert 'class="field-error" id="name-error"' in html
    assert 'type="checkbox"' in html and 'href="/back"' in html and ">Save</button>" in html
    assert "novalidate" in html


def test_the_layouts_fixed_words_follow_each_requests_language(client, make_user, login_as):
    """base.html's fixed words are translated once per locale and kept (core/web/shell_text.py, issue 18): two
    people in two languages, one after the other, each get their own."""
    login_as(make_user("li", roles=["sales_rep"], locale="zh_Hans"))
    chinese = client.get("/").get_data(as_text=True)
    login_as(make_user("ann", roles=["sales_rep"], locale="en"))
    english = client.get("/").get_data(as_text=True)
    login_as(make_user("wang", roles=["sales_rep"], locale="zh_Hans"))
    again = client.get("/").get_data(as_text=True)
    for page in (chinese, again):
        assert "退出登录" in page and "跳到正文" in page and ">Sign out<" not in page
    assert ">Sign out<" in english and "Skip to content" in english and "退出登录" not in english
