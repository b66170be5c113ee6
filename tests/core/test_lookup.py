"""Searchable selects (issue 12: the new-deal form's dropdown stopped at 500 customers; the 501st could not be chosen):
the /lookup/<kind> endpoint, the core's core.user kind and core.web.lookup.LookupField."""

from __future__ import annotations

import re
from pathlib import Path

from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Optional

from core.identity.models import User
from core.web.lookup import PAGE_SIZE, LookupField

# A module offering one kind, "lk.thing": things 1..1000, each owned by the user whose id it is modulo 2 (a stand-in
# for a record scope), behind a permission that sales representatives do not hold.
THINGS_PLUGIN = """
from core.contracts import LookupDef, PermissionDef


def _visible(user):
    return [i for i in range(1, 1001) if i % 2 == user.id % 2 or user.login == "boss"]


def search(query, user, limit, offset):
    found = [(i, f"Thing {i:04d}") for i in _visible(user) if query in f"Thing {i:04d}"]
    return found[offset:offset + limit]


def label_for(ids, user):
    visible = set(_visible(user))
    return {i: f"Thing {i:04d}" for i in ids if i in visible}


@hookimpl
def register_permissions():
    return [PermissionDef("lk.thing.view", "See things")]


@hookimpl
def register_lookups():
    return [LookupDef("lk.thing", "Thing", search=search, label_for=label_for, permission="lk.thing.view")]
"""


def add_people(db, count, prefix="Person"):
    """``count`` active users without passwords (list tests need rows, not sign-ins), in one flush."""
    users = [User(login=f"p{n:04d}", name=f"{prefix} {n:04d}", session_token=f"t{n}") for n in range(1, count + 1)]
    db.session.add_all(users)
    db.session.commit()
    return users


def test_core_user_kind_searches_active_people_by_name_or_login(client, db, make_user, login_as):
    login_as(make_user("viewer", name="Viewer"))
    make_user("zhangsan", name="张三")
    make_user("lisi", name="李四")
    gone = make_user("zhangwu", name="张五")
    gone.active = False
    db.session.commit()

    by_name = client.get("/lookup/core.user?q=张").get_json()
    assert [r["label"] for r in by_name["results"]] == ["张三 (zhangsan)"]  # the deactivated 张五 is not offered
    assert by_name["more"] is False and by_name["page"] == 1
    by_login = client.get("/lookup/core.user?q=LIS").get_json()
    assert [r["label"] for r in by_login["results"]] == ["李四 (lisi)"]
    # Every word must match; LIKE wildcards are taken literally.
    assert client.get("/lookup/core.user?q=张 lisi").get_json()["results"] == []
    assert client.get("/lookup/core.user?q=%25").get_json()["results"] == []


def test_the_501st_record_is_found_by_paging_and_by_search(client, db, make_user, login_as):
    login_as(make_user("viewer", name="Zz viewer"))
    people = add_people(db, 505)
    seen: list[int] = []
    page, more = 1, True
    while more:
        body = client.get(f"/lookup/core.user?page={page}").get_json()
        assert len(body["results"]) <= PAGE_SIZE
        seen += [r["id"] for r in body["results"]]
        more, page = body["more"], page + 1
    assert len(seen) == len(set(seen)) == 506  # every page distinct, nobody missing (the viewer too)
    assert seen.index(people[500].id) == 500  # by name: the 501st person is the 501st result
    found = client.get("/lookup/core.user?q=Person 0501").get_json()["results"]
    assert found == [{"id": people[500].id, "label": "Person 0501 (p0501)"}]
    # Past the end: an empty page, not an error; nonsense page numbers read as the first page.
    assert client.get("/lookup/core.user?page=999").get_json() == {"results": [], "more": False, "page": 999}
    assert client.get("/lookup/core.user?page=abc").get_json()["page"] == 1
    assert client.get("/lookup/core.user?page=99999999999999").status_code == 200


def test_the_endpoint_needs_a_sign_in_and_answers_404_for_an_unknown_kind(client, make_user, login_as):
    assert client.get("/lookup/core.user").status_code in (302, 401)
    login_as(make_user())
    assert client.get("/lookup/nobody.nothing").status_code == 404
    assert client.get("/lookup/core.user").headers["Cache-Control"] == "private, no-store"


def test_a_modules_kind_is_scoped_needs_its_permission_and_goes_with_the_module(make_app, temp_plugin, login_as):
    temp_plugin("lk", hooks=THINGS_PLUGIN)
    app = make_app()
    from core.setup import disable_plugins, enable_plugins
    from core.testing.plugin import make_user_now

    with app.app_context():
        enable_plugins(app, "lk")
        rep = make_user_now("rep", roles=["sales_rep"])
        boss = make_user_now("boss", roles=["admin"])
        rep_client = login_as(rep, on=app.test_client())
        boss_client = login_as(boss, on=app.test_client())

        assert rep_client.get("/lookup/lk.thing").status_code == 403  # no lk.thing.view
        everything = boss_client.get("/lookup/lk.thing?q=Thing 09").get_json()
        assert len(everything["results"]) == PAGE_SIZE and everything["more"] is True
        # The 501st thing is there on page 26 (20 a page).
        assert boss_client.get("/lookup/lk.thing?page=26").get_json()["results"][0]["label"] == "Thing 0501"

        disable_plugins(app, "lk")
        assert boss_client.get("/lookup/lk.thing").status_code == 404
        enable_plugins(app, "lk")
        assert boss_client.get("/lookup/lk.thing").status_code == 200


class PersonForm(FlaskForm):
    class Meta:
        csrf = False

    person = LookupField("Person", kind="core.user", validators=[DataRequired()])
    backup = LookupField("Backup", kind="core.user", validators=[Optional()])


def validate(app, data, form_class=PersonForm):
    with app.test_request_context("/", method="POST", data=data, headers={"Accept-Language": "en"}):
        form = form_class()
        return form.validate(), form


def test_a_forged_or_invalid_id_is_a_field_error_never_saved(app, db, make_user):
    chosen = make_user("chosen", name="Chosen")
    gone = make_user("gone", name="Gone")
    gone.active = False
    db.session.commit()

    ok, form = validate(app, {"person": str(chosen.id)})
    assert ok and form.person.data == chosen.id and form.backup.data is None

    for forged in (str(gone.id), "2147483647", "99999999999999999999", "abc", "-3", "1.5", "²"):
        ok, form = validate(app, {"person": forged})
        assert not ok, forged
        assert form.person.errors and "Choose a value from the list" in form.person.errors[0]
        assert form.person.data is None or form.person.data == int(forged)

    ok, form = validate(app, {"person": ""})
    assert not ok and form.person.errors  # DataRequired
    ok, form = validate(app, {"person": str(chosen.id), "backup": str(gone.id)})
    assert not ok and form.backup.errors and not form.person.errors


def test_a_kind_whose_module_is_off_refuses_values_instead_of_failing(app, make_user):
    class ThingForm(FlaskForm):
        class Meta:
            csrf = False

        thing = LookupField("Thing", kind="lk.thing", validators=[Optional()])

    ok, form = validate(app, {"thing": "4"}, ThingForm)
    assert not ok and form.thing.errors


def test_validation_follows_what_the_signed_in_user_may_see(make_app, temp_plugin):
    temp_plugin("lk", hooks=THINGS_PLUGIN)
    app = make_app()
    from flask_login import login_user

    from core.setup import enable_plugins
    from core.testing.plugin import make_user_now

    class ThingForm(FlaskForm):
        class Meta:
            csrf = False

        thing = LookupField("Thing", kind="lk.thing", validators=[DataRequired()])

    with app.app_context():
        enable_plugins(app, "lk")
        viewer = make_user_now("viewer", roles=["admin"])
        mine, theirs = (2, 3) if viewer.id % 2 == 0 else (3, 2)
        for thing, valid in ((mine, True), (theirs, False)):
            with app.test_request_context("/", method="POST", data={"thing": str(thing)}):
                login_user(viewer)
                form = ThingForm()
                assert form.validate() is valid, thing


FORM_PAGE = '{% import "macros/forms.html" as forms %}{{ forms.form(form, submit="Save") }}'


def test_the_field_renders_as_a_searchable_select_with_its_label_and_without_javascript(app, make_user):
    chosen = make_user("chosen", name="王五")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        form = PersonForm(data={"person": chosen.id})
        html = render_template_string(FORM_PAGE, form=form)
    wrapper = re.search(r'<div class="lookup"[^>]*>', html).group(0)
    assert 'data-lookup="/lookup/core.user"' in wrapper
    assert 'data-lookup-script="/static/js/lookup.js"' in wrapper and 'data-lookup-label="王五 (chosen)"' in wrapper
    field_input = re.search(r'<input[^>]*name="person"[^>]*>', html).group(0)
    assert f'value="{chosen.id}"' in field_input and 'id="person"' in field_input
    assert 'aria-required="true"' in field_input and "required" in field_input
    assert '<label for="person">' in html
    # Without JavaScript: the id in a text box, the current value's name beside it, and what to type.
    assert '<span class="lookup-current" id="person-current">王五 (chosen)</span>' in html
    assert "lookup-nojs" in html
    backup_input = re.search(r'<input[^>]*name="backup"[^>]*>', html).group(0)
    assert 'value=""' in backup_input and "aria-required" not in backup_input


def test_a_value_the_user_may_not_see_is_not_named(app, db, make_user):
    gone = make_user("gone", name="Secret Name")
    gone.active = False
    db.session.commit()
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        html = render_template_string(FORM_PAGE, form=PersonForm(data={"person": gone.id}))
    assert "Secret Name" not in html and "Not available to you" in html


def test_the_lookup_script_is_served_from_the_app_and_loaded_on_demand(app):
    static = Path(app.static_folder)
    script = (static / "js" / "lookup.js").read_text()
    for aria in ('"combobox"', "aria-expanded", "aria-activedescendant", '"listbox"', '"option"', "aria-live"):
        assert aria in script
    assert "data-lookup-script" in (static / "js" / "netsales.js").read_text()


# -- required fields in the form macros (issue 12: "required fields are not marked") ---------------------------------


class SignupForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Name", validators=[DataRequired()])
    code = StringField("Code", validators=[InputRequired()])
    note = StringField("Note", validators=[Optional()])
    kind = RadioField("Kind", choices=[("a", "A"), ("b", "B")], validators=[InputRequired()])
    agree = BooleanField("Agree")


def label_and_input(html: str, name: str) -> tuple[str, str]:
    label = re.search(rf'<label for="{name}">.*?</label>', html, re.S).group(0)
    field_input = re.search(rf'<input[^>]*id="{name}"[^>]*>', html).group(0)
    return label, field_input


def test_required_fields_carry_a_visible_mark_aria_required_and_a_legend(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        html = render_template_string(FORM_PAGE, form=SignupForm())
    for name in ("name", "code"):
        label, field_input = label_and_input(html, name)
        assert '<span class="required-mark" aria-hidden="true">*</span>' in label
        assert 'aria-required="true"' in field_input
    label, field_input = label_and_input(html, "note")
    assert "required-mark" not in label and "aria-required" not in field_input
    kind = re.search(r"<fieldset[^>]*>\s*<legend>Kind.*?</legend>", html, re.S).group(0)
    assert 'role="radiogroup" aria-required="true"' in kind and "required-mark" in kind
    agree = re.search(r'<label class="check" for="agree">.*?</label>', html, re.S).group(0)
    assert "required-mark" not in agree and "aria-required" not in agree
    # The legend says what the mark means, once, before the fields.
    assert html.count('class="required-legend"') == 1
    assert html.index("required-legend") < html.index('<label for="name">')
    assert "Fields marked with an asterisk (*) are required." in html


def test_the_legend_is_left_out_when_no_shown_field_is_required(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        only_optional = render_template_string(
            '{% import "macros/forms.html" as forms %}{{ forms.form(form, fields=["note", "agree"]) }}',
            form=SignupForm())
    assert "required-legend" not in only_optional
    # A context of its own: Flask-Babel keeps the first request's language on the app context.
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        chinese = render_template_string(FORM_PAGE, form=SignupForm())
    assert "标有星号（*）的字段为必填项。" in chinese  # translated (core catalogue)


def test_a_record_given_as_the_fields_value_is_read_as_its_id(app, make_user):
    chosen = make_user("chosen", name="Chosen")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        form = PersonForm(data={"person": chosen, "backup": None})
        assert (form.person.data, form.backup.data) == (chosen.id, None)
        assert form.person.current_label() == "Chosen (chosen)"
