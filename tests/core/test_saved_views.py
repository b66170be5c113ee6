"""Saved views per user (issue 12: "lists have no saved filters"): a person names a list's current search, filters,
sort and grouping, finds it as a chip above the list, and deletes it; nobody else sees it (core.listviews)."""

from __future__ import annotations

import re

import pytest
from flask import g
from flask_login import login_user
from sqlalchemy import event, func, select

from core.extensions import db as database
from core.listviews.models import SavedView
from core.listviews.services import (
    HAS_VIEWS_FIGURE,
    MAX_VIEWS_PER_LIST,
    SavedViewError,
    clean_query,
    delete_view,
    save_view,
)
from core.listviews.views import saved_views
from core.testing.concurrency import race

USERS = "/admin/users"


def body(response):
    return response.get_data(as_text=True)


def save(client, name, query, next_url=None, list_key="core.users"):
    return client.post("/list-views", data={"list_key": list_key, "name": name, "query": query,
                                            "next": next_url or f"{USERS}?{query}"},
                       headers={"Accept-Language": "en"})


def chips(html):
    """(name, href, current) of each saved-view chip on the page."""
    found = re.findall(r'<li class="chip( is-current)?">\s*<a href="([^"]*)"[^>]*>.*?</svg> ([^<]*)</a>', html, re.S)
    return [(name, href.replace("&amp;", "&"), bool(current)) for current, href, name in found]


def count_views(user=None):
    stmt = select(func.count()).select_from(SavedView)
    if user is not None:
        stmt = stmt.where(SavedView.user_id == user.id)
    return database.session.scalar(stmt)


@pytest.fixture
def admin(make_user, login_as):
    user = make_user("boss", roles=["admin"], name="Boss")
    login_as(user)
    return user


def test_a_saved_view_is_a_chip_that_brings_the_list_back(client, admin):
    response = save(client, "  Sales   reps ", "position=sales_rep&sort=-login&page=3&export=csv")
    assert response.status_code == 302 and response.headers["Location"].startswith(USERS)
    view = database.session.scalar(select(SavedView))
    assert (view.name, view.list_key, view.query) == ("Sales reps", "core.users", "position=sales_rep&sort=-login")

    html = body(client.get(USERS, headers={"Accept-Language": "en"}))
    assert chips(html) == [("Sales reps", f"{USERS}?position=sales_rep&sort=-login", False)]
    # Opened through its chip, the list is filtered as saved and the chip says it is the current one.
    html = body(client.get(f"{USERS}?position=sales_rep&sort=-login", headers={"Accept-Language": "en"}))
    assert chips(html) == [("Sales reps", f"{USERS}?position=sales_rep&sort=-login", True)]
    assert 'aria-current="true"' in html
    # Grouping is part of what a view keeps.
    save(client, "By department", "group=department&active=all")
    html = body(client.get(f"{USERS}?active=all&group=department", headers={"Accept-Language": "en"}))
    assert ("By department", f"{USERS}?active=all&group=department", True) in chips(html)


def test_a_taken_or_bad_name_is_explained_next_to_the_name_box_and_nothing_is_saved(client, admin):
    save(client, "Mine", "q=a")
    response = save(client, "Mine", "q=b")
    assert response.status_code == 302
    html = body(client.get(response.headers["Location"], headers={"Accept-Language": "en"}))
    box = re.search(r'<input type="text" id="saved-view-core-users"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in box and 'value="Mine"' in box
    assert ('<p class="field-error" id="saved-view-core-users-error">' in html
            and "You already have a view called “Mine” on this list; choose another name." in html)
    assert "<details class=\"save-view\" open>" in html
    assert count_views() == 1
    # Shown once: the next visit is clean.
    assert "field-error" not in body(client.get(USERS, headers={"Accept-Language": "en"}))

    for name, message in (("   ", "Give the view a name."), ("x" * 61, "at most 60 characters")):
        html = body(client.get(save(client, name, "q=c").headers["Location"], headers={"Accept-Language": "en"}))
        assert message in html
    assert count_views() == 1


def test_a_forged_list_key_or_next_address_gets_nowhere(client, admin):
    assert save(client, "X", "q=a", list_key="../../etc").status_code == 400
    assert save(client, "X", "q=a", list_key="").status_code == 400
    response = save(client, "Y", "q=a", next_url="//evil.example/x")
    assert response.status_code == 302 and "evil" not in response.headers["Location"]
    assert count_views() == 1


def test_views_are_private_to_their_owner(client, admin, make_user, login_as):
    save(client, "Boss view", "q=boss")
    theirs = database.session.scalar(select(SavedView))
    other = make_user("other", roles=["admin"], name="Other")
    login_as(other)
    assert chips(body(client.get(USERS))) == []
    assert client.post(f"/list-views/{theirs.id}/delete", data={"next": USERS}).status_code == 404
    assert count_views() == 1
    # The same name is free for someone else.
    save(client, "Boss view", "q=other")
    assert count_views(other) == 1


def test_deleting_a_view_removes_its_chip(client, admin):
    save(client, "Old", "q=old")
    view = database.session.scalar(select(SavedView))
    response = client.post(f"/list-views/{view.id}/delete", data={"next": f"{USERS}?q=old"})
    assert response.status_code == 302 and response.headers["Location"] == f"{USERS}?q=old"
    assert count_views() == 0
    assert chips(body(client.get(USERS))) == []
    assert client.post(f"/list-views/{view.id}/delete", data={"next": USERS}).status_code == 404


def test_signing_in_is_needed(client):
    assert client.post("/list-views", data={"list_key": "core.users", "name": "x", "query": ""}).status_code in (
        302, 401)
    assert count_views() == 0


def test_the_query_is_kept_canonical_and_bounded(app, db, make_user):
    assert clean_query("?sort=-name&q=a+b&page=2&csrf_token=x&next=/y&export=xlsx&q=second") == "q=a+b&sort=-name"
    assert clean_query("") == ""
    with pytest.raises(SavedViewError):
        clean_query("&".join(f"k{n}=v" for n in range(40)))
    with pytest.raises(SavedViewError):
        clean_query("q=" + "x" * 2100)
    owner = make_user("owner")
    for n in range(MAX_VIEWS_PER_LIST):
        save_view(db.session, owner, "core.users", f"View {n}", f"q={n}")
    db.session.commit()
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "en"}), \
            pytest.raises(SavedViewError, match="delete one first"):
        save_view(db.session, owner, "core.users", "One more", "q=x")
    save_view(db.session, owner, "crm.customers", "Another list", "q=x")  # the bound is per list


def test_two_saves_of_one_name_at_once_keep_one_and_tell_the_other(make_app, make_user, login_as):
    owner = make_user("racer", roles=["admin"])
    first, second = make_app(), make_app()
    clients = [login_as(owner, on=app.test_client()) for app in (first, second)]
    outcome = race(*(lambda c=c, q=q: save(c, "Same", q) for c, q in zip(clients, ("q=one", "q=two"), strict=True)))
    outcome.raise_errors()
    assert outcome.interleaved
    assert [r.status_code for r in outcome.results] == [302, 302]
    assert count_views(owner) == 1
    told = [body(c.get(USERS, headers={"Accept-Language": "en"})) for c in clients]
    assert sum("You already have a view called “Same”" in html for html in told) == 1


def chip_reads(client, url=USERS):
    """(statements reading someone's chips, the page) of one visit of ``url``."""
    seen = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(database.engine, "before_cursor_execute", listener)
    try:
        html = body(client.get(url, headers={"Accept-Language": "en"}))
    finally:
        event.remove(database.engine, "before_cursor_execute", listener)
    return len([s for s in seen if s.lstrip().startswith("SELECT core_saved_view.id")]), html


def test_a_list_page_reads_chips_only_for_someone_who_keeps_a_view(client, admin):
    """Most people keep no view: the statement that signs them in says so, and their list pages read no chips
    (issue 18). Once they keep one, of any list, the chips are read again; deleting it stops that."""
    reads, html = chip_reads(client)
    assert reads == 0 and chips(html) == [] and "Save this view" in html
    save(client, "Elsewhere", "q=x", list_key="crm.customers")  # another list's
    reads, html = chip_reads(client)
    assert reads == 1 and chips(html) == []
    save(client, "Here", "q=y")
    reads, html = chip_reads(client)
    assert reads == 1 and chips(html) == [("Here", f"{USERS}?q=y", False)]
    for view in database.session.scalars(select(SavedView)).all():
        assert client.post(f"/list-views/{view.id}/delete", data={"next": USERS}).status_code == 302
    reads, html = chip_reads(client)
    assert reads == 0 and chips(html) == []


def test_a_view_saved_or_deleted_in_the_request_is_not_hidden_by_the_figure_read_before(app, db, make_user):
    owner = make_user("keeper")
    db.session.commit()
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        login_user(owner)
        g.netsales_signed_in = (owner.id, {HAS_VIEWS_FIGURE: False})  # as read when the request began
        assert saved_views("core.users").views == []
        view = save_view(db.session, owner, "core.users", "Fresh", "q=a")
        assert [row.name for row in saved_views("core.users").views] == ["Fresh"]
        g.netsales_signed_in = (owner.id, {HAS_VIEWS_FIGURE: True})
        delete_view(db.session, owner, view.id)
        assert saved_views("core.users").views == []


def test_a_views_name_and_query_are_escaped_once_wherever_the_chip_shows_them(client, admin):
    save(client, 'A <b>&"', "q=<x>&sort=-login")
    html = body(client.get(f"{USERS}?q=<x>&sort=-login", headers={"Accept-Language": "en"}))
    chip = html.split('<ul class="chips">')[1].split("</ul>")[0]
    assert "<b>" not in chip and chip.count("A &lt;b&gt;&amp;&#34;") == 3  # the link, the question, the label
    assert 'data-confirm="Delete the view “A &lt;b&gt;&amp;&#34;”?"' in chip
    assert 'aria-label="Delete the view “A &lt;b&gt;&amp;&#34;”"' in chip
    assert f'href="{USERS}?q=%3Cx%3E&amp;sort=-login" aria-current="true"' in chip
    assert '<input type="hidden" name="query" value="q=%3Cx%3E&amp;sort=-login">' in html
