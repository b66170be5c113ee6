"""The customer page's forms come from kept markup (views/form_markup.py): the same markup as macros/forms.html draws,
with each request's own CSRF token and the customer's own addresses, per language."""

from __future__ import annotations

import re

from flask import get_template_attribute, url_for
from flask_wtf.csrf import generate_csrf


def _macro_form(form, action, submit):
    return str(get_template_attribute("macros/forms.html", "form")(form, action=action, submit=submit))


def test_kept_forms_equal_the_macros_with_each_requests_token(app, db, org):
    from plugins.crm import forms
    from plugins.crm.views.form_markup import token_and_field, token_field, whole_form

    app.config["WTF_CSRF_ENABLED"] = True
    choices = [("", "—"), ("7", "王 <经理>")]
    drawn = []
    for request_number in range(2):  # the first request renders and keeps, the second reuses
        with app.app_context(), app.test_request_context(f"/crm/customers/{request_number}"):  # a new g
            token = generate_csrf()
            action = url_for("crm.new_interaction", customer_id=request_number)
            expected = forms.InteractionForm(formdata=None)
            expected.contact_id.choices = choices
            kept = whole_form(forms.InteractionForm, action, "Save", choices)
            assert str(kept) == _macro_form(expected, action, "Save")
            assert token in kept and f'action="{action}"' in kept
            survey = forms.SurveyForm(formdata=None)
            survey.contact_id.choices = choices
            field = str(get_template_attribute("macros/forms.html", "field")(survey.contact_id))
            assert str(token_and_field(forms.SurveyForm, "contact_id", choices)) == str(survey.csrf_token()) + field
            assert str(token_field(forms.StateForm)) == str(forms.StateForm(formdata=None).csrf_token())
            drawn.append((token, str(kept)))
    (first_token, first), (second_token, second) = drawn
    assert first_token != second_token and first_token not in second
    assert first.replace(first_token, "T").replace("/0/", "/N/") == second.replace(second_token, "T").replace(
        "/1/", "/N/")


def test_kept_forms_follow_the_language_and_the_contacts(app, db, org):
    from plugins.crm import forms
    from plugins.crm.views.form_markup import whole_form

    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "en"}):
        english = str(whole_form(forms.OverrideForm, "/x", "Set grade"))
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        chinese = str(whole_form(forms.OverrideForm, "/x", "Set grade"))
        expected = _macro_form(forms.OverrideForm(formdata=None), "/x", "Set grade")
        assert chinese == expected
        one = str(whole_form(forms.InteractionForm, "/x", "Save", [("1", "first")]))
        two = str(whole_form(forms.InteractionForm, "/x", "Save", [("2", "second")]))
    assert "A (high value)" in english and "A (high value)" not in chinese
    assert "first" in one and "second" not in one and "second" in two


def test_the_customer_page_carries_the_sessions_token_in_every_form(app, db, client, org, login_as, new_customer):
    from plugins.crm.services import contacts

    app.config["WTF_CSRF_ENABLED"] = True
    customer = new_customer(org.rep1, name="Target")
    contacts.add_contact(db.session, customer, {"name": "Contact <one>"}, org.rep1)
    db.session.commit()
    login_as(org.manager)
    for _ in range(2):
        page = client.get(f"/crm/customers/{customer.id}").get_data(as_text=True)
        tokens = set(re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', page))
        tokens |= set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
        assert len(tokens) == 1
        assert f'action="/crm/customers/{customer.id}/interactions"' in page
        assert "Contact &lt;one&gt;" in page
        assert page.count('name="csrf_token"') >= 5  # state, override, interaction, survey, merge (and others)
