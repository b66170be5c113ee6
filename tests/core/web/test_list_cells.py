"""core.web.list_cells: the list macros drawn in Python (issue 18). Their words are translated once per locale and
kept for the process, the page links built from one URL: each must still follow the request."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, gettext, lazy_gettext
from sqlalchemy import select

from core.identity.models import User
from core.web.list_cells import label_text, words
from core.web.listing import Filter, ListQuery, Page


def users_page(args: dict[str, str]) -> Page:
    listing = ListQuery(select(User), sorts={"name": User.name, "login": User.login}, default_sort="login",
                        search=[User.name],
                        filters=[Filter.choice("active", lazy_gettext("Search"), User.active,
                                               [("1", lazy_gettext("Apply")), ("0", "<No>")],
                                               coerce=lambda v: v == "1")])
    page = Page(listing=listing, items=[], total=500, page=int(args.get("page", 1)), per_page=25, sort="login",
                q=args.get("q", ""), active_filters={}, errors={}, args=dict(args))
    return page


def test_words_and_lazy_labels_follow_the_locale_of_each_request(app):
    seen = []
    for locale in ("en", "zh_Hans", "en", "zh_Hans"):
        with app.test_request_context("/admin/users"), force_locale(locale):
            app.preprocess_request()
            assert words()["Apply"] == gettext("Apply")
            assert str(label_text(lazy_gettext("Search"))) == gettext("Search")
            seen.append((str(words()["Apply"]), str(label_text(lazy_gettext("Search")))))
    assert seen[0] == seen[2] and seen[1] == seen[3] and seen[0] != seen[1]
    assert label_text("plain <text>") == "plain <text>"  # anything but a lazy string is left as it is


def test_page_links_built_from_one_url_are_the_urls_page_url_builds_one_by_one(app):
    tricky = {"q": "客户 & co/?#", "grade": "A+B", "page": "7", "sort": "-name"}
    with app.test_request_context("/admin/users"):
        app.preprocess_request()
        page = users_page(tricky)
        for number in (2, 3, 6, 8, 20):
            assert page.page_url(number) == page.url(page=number)
        assert page.page_url(1) == page.url(page=None)
        # Each argument encoded once a page (Page._links): the same URLs url_for builds.
        from flask import request, url_for

        for changes in ({}, {"sort": "name"}, {"per_page": 50, "page": None}, {"q": None, "x": "!$'()*,/:;?@%"}):
            expected = {**tricky, **{key: str(value) for key, value in changes.items() if value is not None}}
            for key in [key for key, value in changes.items() if value is None]:
                expected.pop(key)
            assert page.url(**changes) == url_for(request.endpoint, **expected)
        # The placeholder's text typed into another argument: that page's links are built whole.
        odd = users_page({"q": "netsalespagenumber", "page": "3"})
        assert odd.page_url(4) == odd.url(page=4) and "q=netsalespagenumber" in odd.page_url(4)


def test_the_toolbar_and_pagination_escape_what_the_user_typed(app):
    with app.test_request_context("/admin/users"), force_locale("en"):
        app.preprocess_request()
        page = users_page({"q": '"><b>', "other": "<i>", "page": "3"})
        html = render_template_string('{% import "macros/lists.html" as lists %}{{ lists.toolbar(page) }}'
                                      '{{ lists.sort_header(page, "name", "<Name>") }}{{ lists.pagination(page) }}',
                                      page=page)
    assert 'value="&#34;&gt;&lt;b&gt;"' in html and 'name="other" value="&lt;i&gt;"' in html
    assert "<b>" not in html and "<i>" not in html and "&lt;Name&gt;" in html
    assert '<option value="0">&lt;No&gt;</option>' in html and ">Apply</option>" in html
    assert '<span class="current" aria-current="page">3</span>' in html and "51–75 of 500" in html


def test_escaped_texts_escape_each_value_as_markupsafe_does():
    from markupsafe import escape

    from core.web.list_cells import escaped_texts

    values = ["<b>A&B</b>", "O'Brien \"quoted\"", 12, "", None, "普通文字"]
    assert escaped_texts(values) == [str(escape(value)) for value in values]
    with_nul = ["a\0<b>", "c"]  # a NUL inside a value (SQLite text may hold one): escaped one by one
    assert escaped_texts(with_nul) == ["a\0&lt;b&gt;", "c"]


def test_filter_options_are_escaped_as_the_template_escaped_them(app):
    # The options' values and labels are escaped in one call when they are plain text (core.web.list_cells
    # filter_control); a plugin filter whose options() gives Markup or lazy labels, or a generator, still gets
    # exactly what escape() gives each of them.
    from dataclasses import dataclass

    from markupsafe import Markup, escape

    from core.web.list_cells import filter_control

    plain = [("1", "R&D <部门>"), ("x\"y", "O'Brien"), ("3", "普通")]
    page = users_page({})
    flt = Filter.choice("owner", "Owner", User.id, plain)
    with app.test_request_context("/admin/users"), force_locale("en"):
        html = str(filter_control(page, flt))
    for value, label in plain:
        assert f'<option value="{escape(value)}">{escape(label)}</option>' in html

    @dataclass(frozen=True, eq=False)
    class OwnOptions(Filter):
        def options(self):  # type: ignore[override]
            yield from (("a&b", Markup("<em>kept</em>")), ("2", lazy_gettext("Apply")), ("3", "<plain>"))

    own = OwnOptions("own", "Own", User.id)
    with app.test_request_context("/admin/users"), force_locale("en"):
        html = str(filter_control(page, own))
    assert '<option value="a&amp;b"><em>kept</em></option>' in html
    assert '<option value="2">Apply</option>' in html and '<option value="3">&lt;plain&gt;</option>' in html


def test_a_filter_drawn_once_for_its_options_still_follows_each_request(app):
    """A select's plain-text options are kept per process (core.web.list_cells._plain_option_rows): the chosen value,
    a rejected value's message, the label's and "All"'s language must still be the request's, and a Markup label
    must not be taken for the plain text it equals."""
    from dataclasses import dataclass

    from markupsafe import Markup

    from core.web.list_cells import filter_control

    options = [("1", "<em>甲</em>"), ("2", "乙")]
    flt = Filter.choice("owner", lazy_gettext("Search"), User.id, options)

    def draw(locale, active=None, errors=None, filter_=flt):
        page = users_page({})
        page.active_filters, page.errors = active or {}, errors or {}
        with app.test_request_context("/admin/users"), force_locale(locale):
            return str(filter_control(page, filter_))

    first = draw("en")
    assert draw("en") == first and '<option value="1"><em>' not in first and "&lt;em&gt;甲" in first
    assert draw("en", {"owner": "2"}).count(" selected") == 1 and '<option value="2" selected>' in draw(
        "en", {"owner": "2"})
    assert " selected" not in draw("en")
    assert "not a valid &lt;value&gt;" in draw("en", errors={"owner": "not a valid <value>"})
    assert "field-error" not in draw("en")
    chinese = draw("zh_Hans")
    with app.test_request_context("/admin/users"), force_locale("zh_Hans"):
        assert f">{gettext('Search')}</label>" in chinese and f">{gettext('All')}</option>" in chinese
    assert chinese != first and f">{'Search'}</label>" in first

    @dataclass(frozen=True, eq=False)
    class Marked(Filter):
        def options(self):  # type: ignore[override]
            return [("1", Markup("<em>甲</em>")), ("2", "乙")]

    marked = draw("en", filter_=Marked("owner", lazy_gettext("Search"), User.id))
    assert '<option value="1"><em>甲</em></option>' in marked
