"""The Modules page says what each module depends on and which enabled modules need it, before anyone tries to
disable one (issue 12: the dependencies only appeared in the refusal)."""

from __future__ import annotations

import re


def row_of(html: str, name: str) -> str:
    """The table row of module ``name`` (its <code>name</code> cell starts it)."""
    start = html.index(f"<code>{name}</code>")
    return html[html.rindex("<tr>", 0, start):html.index("</tr>", start)]


def test_dependencies_and_dependents_are_shown_by_title_and_a_needed_module_cannot_be_disabled(
        make_app, temp_plugin, make_user, login_as):
    temp_plugin("base", title="Base module")
    temp_plugin("child", title="Child module", depends=["base"])
    temp_plugin("bridge", title="Bridge module", depends=["base"], auto_enable=True)
    temp_plugin("loner", title="Loner module", depends=["base"])
    app = make_app()
    from core.setup import enable_plugins

    with app.app_context():
        enable_plugins(app, "child")
        client = login_as(make_user("modules-admin", roles=["admin"]), on=app.test_client())
        html = client.get("/admin/plugins", headers={"Accept-Language": "en"}).get_data(as_text=True)

    base, child, loner = row_of(html, "base"), row_of(html, "child"), row_of(html, "loner")
    needed_by = re.search(r'class="module-needed-by">(.*?)</td>', base, re.S).group(1)
    assert "Child module" in needed_by and "Loner module" not in needed_by  # only enabled dependents
    # Base is needed by Child: its Disable button is off, with the reason next to it, and no form to post.
    assert "disabled aria-describedby=\"needed-base\"" in base
    assert "Disable Child module first: they depend on it." in base
    assert "/admin/plugins/base/disable" not in base
    # Child depends on Base (by title), and can be disabled.
    assert "Base module" in re.search(r'class="module-depends">(.*?)</td>', child, re.S).group(1)
    assert "/admin/plugins/child/disable" in child
    # Loner is off: enabling it needs nothing more (Base is on).
    assert "/admin/plugins/loner/enable" in loner and "Enabling it also enables" not in loner

    # The refusal still stands on the server, in the reader's language, for anyone who posts anyway.
    with app.app_context():
        refused = client.post("/admin/plugins/base/disable", headers={"Accept-Language": "en"},
                              follow_redirects=True).get_data(as_text=True)
    assert "Base module cannot be disabled: Child module depend on it." in refused


def test_what_enabling_or_disabling_brings_along_is_said_beforehand(make_app, temp_plugin, make_user, login_as):
    temp_plugin("base", title="Base module")
    temp_plugin("child", title="Child module", depends=["base"])
    temp_plugin("bridge", title="Bridge module", depends=["base"], auto_enable=True)
    app = make_app(enable="none")
    from core.setup import enable_plugins

    with app.app_context():
        client = login_as(make_user("modules-admin", roles=["admin"]), on=app.test_client())
        html = client.get("/admin/plugins", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "Enabling it also enables Base module." in row_of(html, "child")
        enable_plugins(app, "base")
        enable_plugins(app, "bridge")
        html = client.get("/admin/plugins", headers={"Accept-Language": "en"}).get_data(as_text=True)
    base = row_of(html, "base")
    assert "/admin/plugins/base/disable" in base  # a bridge does not block: it goes along
    assert "Disabling it also disables Bridge module." in base
    assert "Bridge module" in re.search(r'class="module-needed-by">(.*?)</td>', base, re.S).group(1)


def test_the_page_names_modules_in_chinese_lists(make_app, temp_plugin, make_user, login_as):
    temp_plugin("base", title="Base module")
    temp_plugin("child", title="Child module", depends=["base"])
    temp_plugin("other", title="Other module", depends=["base"])
    app = make_app()
    from core.setup import enable_plugins

    with app.app_context():
        enable_plugins(app, "child")
        enable_plugins(app, "other")
        client = login_as(make_user("modules-admin", roles=["admin"]), on=app.test_client())
        html = client.get("/admin/plugins", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    needed_by = re.search(r'class="module-needed-by">(.*?)</td>', row_of(html, "base"), re.S).group(1)
    assert "Child module、Other module" in needed_by
    # The column's own wording, not recruitment's "Needed by" (a hiring date) from the merged catalogues.
    assert "依赖它的模块" in html and "需到岗日期" not in html
    assert "请先停用Child module、Other module：它们依赖此模块。" in html
