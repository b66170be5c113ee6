"""The searchable select in Chromium (issue 12): type to search, arrows and Enter to choose, "Show more" to page on,
and the plain input that works with JavaScript off. Skipped, with the reason, where Chromium or playwright is
missing (core.testing.browser)."""

from __future__ import annotations

import pytest

from core.identity.models import User
from core.testing.browser import click_and_load, sign_in

# A module with one page: a form with a required LookupField over the core's users; it prints the chosen id.
DEMO_PLUGIN = '''
from flask import Blueprint, render_template_string
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired

from core.security import authenticated
from core.web.lookup import LookupField

bp = Blueprint("lkdemo", __name__, url_prefix="/lkdemo")
PAGE = """{% extends "base.html" %}{% import "macros/forms.html" as forms %}{% block content %}
{% if chosen %}<p id="chosen">{{ chosen }}</p>{% endif %}{{ forms.form(form, submit="Go") }}{% endblock %}"""


class PersonForm(FlaskForm):
    person = LookupField("Person", kind="core.user", validators=[DataRequired()])


@bp.route("/", methods=["GET", "POST"])
@authenticated
def page():
    form = PersonForm()
    chosen = form.person.data if form.validate_on_submit() else None
    return render_template_string(PAGE, form=form, chosen=chosen)


@hookimpl
def register_blueprints(app):
    app.register_blueprint(bp)
'''


@pytest.fixture
def demo(request, temp_plugin, make_user, db):
    temp_plugin("lkdemo", hooks=DEMO_PLUGIN)
    server = request.getfixturevalue("live_server")  # after the plugin is written: its app loads it
    from core.setup import enable_plugins

    with server.app.app_context():
        enable_plugins(server.app, "lkdemo")
    make_user("boss", roles=["admin"], name="Aa Boss")
    people = [User(login=f"p{n:02d}", name=f"Person {n:02d}", session_token=f"t{n}") for n in range(1, 31)]
    db.session.add_all(people)
    db.session.commit()
    return {p.login: p.id for p in people}


def test_type_arrow_and_enter_choose_a_record(demo, make_page):
    page = make_page(locale="en-US")
    sign_in(page, "boss")
    page.goto("/lkdemo/")
    box = page.locator("#person")
    assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-expanded") == "false"
    assert page.locator("label[for=person]").count() == 1  # the label still names the visible box
    box.fill("p2")  # logins p20 … p29
    options = page.locator("#person-listbox [role=option]")
    options.first.wait_for()
    assert options.count() == 10 and box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    box.press("Enter")  # chooses; does not submit the form
    assert box.input_value() == "Person 21 (p21)" and box.get_attribute("aria-expanded") == "false"
    assert page.locator("input[type=hidden][name=person]").input_value() == str(demo["p21"])
    click_and_load(page, page.get_by_role("button", name="Go"))
    assert page.locator("#chosen").inner_text() == str(demo["p21"])
    # The chosen value comes back with its label after the round trip (once lookup.js, loaded on demand, took over).
    page.wait_for_function("() => document.querySelector('#person').value === 'Person 21 (p21)'")


def test_show_more_pages_on_and_escape_puts_back_the_choice(demo, make_page):
    page = make_page(locale="en-US")
    sign_in(page, "boss")
    page.goto("/lkdemo/")
    box = page.locator("#person")
    box.click()
    options = page.locator("#person-listbox [role=option]")
    options.first.wait_for()
    assert options.count() == 21  # 20 people and "Show more"
    page.locator("#person-listbox .lookup-more").click()
    page.locator("#person-listbox [role=option]:has-text('Person 30')").wait_for()
    assert page.locator("#person-listbox .lookup-more").count() == 0  # 31 people: nothing more
    page.locator("#person-listbox [role=option]:has-text('Person 30')").click()
    assert box.input_value() == "Person 30 (p30)"
    box.fill("Pers")
    page.locator("#person-listbox [role=option]").first.wait_for()
    box.press("Escape")
    box.press("Escape")  # closed: a second Escape puts back what was chosen
    assert box.input_value() == "Person 30 (p30)"
    assert page.locator("input[type=hidden][name=person]").input_value() == str(demo["p30"])


def test_without_javascript_the_id_is_typed_into_a_plain_box(demo, make_page):
    page = make_page(javascript=False, locale="en-US")
    sign_in(page, "boss")
    page.goto("/lkdemo/")
    box = page.locator("input[name=person]")
    assert box.get_attribute("type") == "text" and box.get_attribute("role") is None
    box.fill(str(demo["p07"]))
    click_and_load(page, page.get_by_role("button", name="Go"))
    assert page.locator("#chosen").inner_text() == str(demo["p07"])
    assert "Person 07 (p07)" in page.locator(".lookup-current").inner_text()
    page.locator("input[name=person]").fill("999999")
    click_and_load(page, page.get_by_role("button", name="Go"))
    assert page.locator("#chosen").count() == 0
    assert "Choose a value from the list" in page.locator(".field-error").inner_text()


def test_the_bare_id_is_never_shown_while_the_script_loads(demo, make_page):
    """Issue 12: before lookup.js took over, the box showed the chosen record's id. Held back (the script's request
    stalls), the box's text is unseen and the record's name is shown beside it; once the script runs, the name is
    in the box."""
    page = make_page(locale="en-US")
    sign_in(page, "boss")
    stalled: list = []
    page.route("**/js/lookup.js*", lambda route: stalled.append(route))
    page.goto("/lkdemo/", wait_until="domcontentloaded")  # the load event waits for the stalled script
    page.fill("#person", str(demo["p21"]))
    box = page.locator("#person")
    assert box.evaluate("node => getComputedStyle(node).color") == "rgba(0, 0, 0, 0)"
    stalled[0].continue_()
    page.locator(".lookup.is-enhanced").wait_for()
    assert box.evaluate("node => getComputedStyle(node).color") != "rgba(0, 0, 0, 0)"


def test_what_was_typed_before_the_script_took_over_is_searched(demo, make_page):
    """A box the user types into before lookup.js has taken it over (the script loads on demand; htmx swaps boxes
    in) keeps the text and searches it once the script runs, instead of sending the text as a value."""
    page = make_page(locale="en-US")
    sign_in(page, "boss")
    stalled: list = []
    page.route("**/js/lookup.js*", lambda route: stalled.append(route))
    page.goto("/lkdemo/", wait_until="domcontentloaded")
    page.locator("#person").fill("Person 2")
    stalled[0].continue_()
    options = page.locator("#person-listbox [role=option]")
    options.first.wait_for()
    assert page.locator("#person").input_value() == "Person 2"
    assert page.locator("input[type=hidden][name=person]").input_value() == ""  # nothing chosen yet
    page.locator("#person-listbox [role=option]:has-text('Person 21')").click()
    assert page.locator("input[type=hidden][name=person]").input_value() == str(demo["p21"])

