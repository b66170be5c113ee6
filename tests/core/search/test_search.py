"""The global search page: results from enabled plugins only, grouped by kind, with an empty state and a minimum
query length (issue 4: "Search everything they may see from one box")."""

from __future__ import annotations

from core.search import search


def _page(client, q, lang="en"):
    return client.get("/search", query_string={"q": q}, headers={"Accept-Language": lang})


def test_results_are_grouped_by_kind_best_first(app, client, make_user, login_as, enable_plugin):
    enable_plugin("finder")
    login_as(make_user("rep1"))
    html = _page(client, "张三").get_data(as_text=True)
    assert html.index("客户 张三 二号") < html.index("客户 张三 一号") < html.index("商机 张三")
    assert 'href="/finder/customer/2"' in html and "杭州" in html
    groups = search("张三", make_user("rep2"))
    assert [(g.kind, len(g.results)) for g in groups] == [("customer", 2), ("deal", 1)]


def test_a_disabled_plugin_answers_nothing(app, client, make_user, login_as, enable_plugin, disable_plugin):
    enable_plugin("finder")
    user = make_user("rep1")
    assert search("张三", user)
    disable_plugin("finder")
    assert search("张三", user) == []
    login_as(user)
    html = _page(client, "张三").get_data(as_text=True)
    assert "客户 张三" not in html
    assert "Nothing found" in html


def test_each_plugin_decides_what_the_user_may_see(app, make_user, enable_plugin):
    enable_plugin("finder")
    assert search("张三", make_user("hr1", roles=["hr"])) == []


def test_minimum_query_length_and_empty_state(app, client, make_user, login_as, enable_plugin):
    enable_plugin("finder")
    login_as(make_user("rep1"))
    short = _page(client, "张").get_data(as_text=True)
    assert "Type at least 2 characters." in short and 'aria-invalid="true"' in short
    assert "客户" not in short
    blank = _page(client, "   ")
    assert blank.status_code == 200 and "field-error" not in blank.get_data(as_text=True)
    assert search("a", make_user("rep2")) == []


def test_search_needs_a_signed_in_user(app, client):
    response = client.get("/search?q=abc")
    assert response.status_code in (302, 401)
