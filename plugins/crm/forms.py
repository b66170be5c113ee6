"""The CRM's HTML forms. They check types; the rules (and most messages) are the services', attached back to the
fields with ``attach_errors`` so that a refused value is explained next to its field."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.money import MoneyField
from core.web.lookup import LookupField
from plugins.crm.services.errors import CRMError, FieldErrors


def kind_choices() -> list[tuple[str, Any]]:
    return [("company", _l("Company")), ("individual", _l("Individual"))]


def state_choices() -> list[tuple[str, Any]]:
    return [("lead", _l("Lead")), ("prospect", _l("Prospect")), ("customer", _l("Customer")),
            ("inactive", _l("Inactive")), ("lost", _l("Lost"))]


def source_choices() -> list[tuple[str, Any]]:
    return [("", _l("—")), ("online_platform", _l("Online platform")), ("social_media", _l("Social media")),
            ("industry_forum", _l("Industry forum")), ("referral", _l("Referral")), ("event", _l("Event")),
            ("online_shop", _l("Online shop")), ("other", _l("Other"))]


def interaction_choices() -> list[tuple[str, Any]]:
    return [("call", _l("Call")), ("visit", _l("Visit")), ("message", _l("Message")), ("email", _l("E-mail")),
            ("meeting", _l("Meeting")), ("revisit", _l("Revisit"))]


def channel_choices() -> list[tuple[str, Any]]:
    return [("email", _l("E-mail")), ("sms", _l("SMS")), ("phone", _l("Phone")), ("wechat", _l("WeChat"))]


def grade_choices() -> list[tuple[str, Any]]:
    return [("A", _l("A (high value)")), ("B", _l("B (medium value)")), ("C", _l("C (low value)"))]


def validate_with(form: FlaskForm, clean: Any, data: dict) -> bool:
    """Validate the form and the service's rules together, so that every wrong field is named at once."""
    valid = form.validate()
    try:
        clean(data)
    except FieldErrors as exc:
        attach_errors(form, FieldErrors({k: v for k, v in exc.errors.items() if not (k in form and form[k].errors)}))
        return False
    return valid


def attach_errors(form: FlaskForm, exc: CRMError) -> None:
    """Put a service's refusal next to the field it concerns (or above the form)."""
    errors = exc.errors if isinstance(exc, FieldErrors) else {exc.field or "": exc.message}
    for name, message in errors.items():
        if name and name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            form.form_errors.append(message)


class CustomerForm(FlaskForm):
    # Choices are checked by the service (with its message), so that every field's error shows at once.
    kind = SelectField(_l("Kind"), choices=kind_choices, validate_choice=False)
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    state = SelectField(_l("State"), choices=state_choices, validate_choice=False)
    source = SelectField(_l("Source channel"), choices=source_choices, validate_choice=False)
    industry = StringField(_l("Industry"), validators=[Length(max=100)])
    region = StringField(_l("Region"), validators=[Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    email = StringField(_l("E-mail"), validators=[Length(max=200)])
    wechat = StringField(_l("WeChat"), validators=[Length(max=100)])
    needs = TextAreaField(_l("Needs"), validators=[Length(max=5000)])
    # An amount field (core.money): a StringField kept the stored Decimal when the post left it out, and Length
    # then raised TypeError (issue 11 F6).
    potential_value = MoneyField(_l("Potential value (CNY)"), required=False)
    tags = StringField(_l("Tags"), description=_l("Separated by commas"), validators=[Length(max=500)])
    confirm_duplicate = BooleanField(_l("I checked the possible duplicates: create it anyway"))


class EditCustomerForm(CustomerForm):
    """Editing: the state moves through its own action, the owner through allocation."""

    state = None
    confirm_duplicate = None


class StateForm(FlaskForm):
    state = SelectField(_l("Move to"), choices=state_choices)


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    title = StringField(_l("Title"), validators=[Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    email = StringField(_l("E-mail"), validators=[Length(max=200)])
    wechat = StringField(_l("WeChat"), validators=[Length(max=100)])
    is_primary = BooleanField(_l("Primary contact"))


class ConsentForm(FlaskForm):
    purpose = StringField(_l("Purpose"), validators=[DataRequired(), Length(max=200)],
                          description=_l("What the person agreed to, e.g. product news and promotions"))
    channels = SelectMultipleField(_l("Channels"), choices=channel_choices)
    granted_on = DateField(_l("Date of consent"), validators=[DataRequired()])
    note = StringField(_l("How it was given"), validators=[Length(max=300)])


class InteractionForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=interaction_choices)
    occurred_at = DateTimeLocalField(_l("When"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    contact_id = SelectField(_l("Contact"), choices=[], validate_choice=False)
    summary = TextAreaField(_l("Summary"), validators=[DataRequired(), Length(max=5000)])
    outcome = TextAreaField(_l("Outcome"), validators=[Length(max=5000)])
    next_step = StringField(_l("Next step"), validators=[Length(max=300)])
    next_step_on = DateField(_l("Next step on"), validators=[Optional()])


class OverrideForm(FlaskForm):
    grade = SelectField(_l("Grade"), choices=grade_choices)
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])


class SurveyForm(FlaskForm):
    contact_id = SelectField(_l("Send to"), choices=[], validate_choice=False)


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token: a confirmation button."""


class SurveyAnswerForm(FlaskForm):
    rating = SelectField(_l("How satisfied are you with our service?"),
                         choices=[("5", _l("5 — excellent")), ("4", _l("4 — good")), ("3", _l("3 — fair")),
                                  ("2", _l("2 — poor")), ("1", _l("1 — very poor"))])
    comment = TextAreaField(_l("Comments"), validators=[Length(max=2000)])


class PrivacyDeleteForm(FlaskForm):
    reason = StringField(_l("Request"), validators=[DataRequired(), Length(max=200)],
                         description=_l("Who asked, when and how, e.g. e-mail of 3 May from the person"))


class MergeForm(FlaskForm):
    # A searchable select (issue 12): any customer the user sees can be found, by name, phone, e-mail or number.
    other_id = LookupField(_l("Customer to merge into this one"), kind="crm.customer", validators=[DataRequired()])


class PlanForm(FlaskForm):
    revisit_interval_days = IntegerField(_l("Revisit every (days)"), validators=[DataRequired(),
                                                                                NumberRange(1, 3650)])
    service_level = StringField(_l("Service level"), validators=[DataRequired(), Length(max=200)])
    strategy = TextAreaField(_l("Marketing strategy"), validators=[DataRequired()])


class CampaignForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    channel = SelectField(_l("Channel"), choices=[("email", _l("E-mail")), ("sms", _l("SMS"))])
    subject = StringField(_l("Subject (e-mail)"), validators=[Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[DataRequired()],
                         description=_l("An unsubscribe link is added to every message."))
    grades = SelectMultipleField(_l("Grades"), choices=grade_choices)
    states = SelectMultipleField(_l("States"), choices=state_choices)
    tags = StringField(_l("Tags (any of)"), validators=[Length(max=500)])
    regions = StringField(_l("Regions (any of)"), validators=[Length(max=500)])
    purchased_since = DateField(_l("Last purchase on or after"), validators=[Optional()])
    purchased_before = DateField(_l("Last purchase before"), validators=[Optional()])


class EventForm(FlaskForm):
    title = StringField(_l("Event title"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[("seminar", _l("Customer seminar")),
                                            ("experience", _l("Product experience session")),
                                            ("forum", _l("Forum")), ("other", _l("Other"))])
    starts_at = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    location = StringField(_l("Location"), validators=[Length(max=200)])
    description = TextAreaField(_l("Description"))


class RegistrationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    company = StringField(_l("Company"), validators=[Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    email = StringField(_l("E-mail"), validators=[Length(max=200)])


class InviteForm(FlaskForm):
    customer_id = LookupField(_l("Customer"), kind="crm.customer", validators=[DataRequired()])


class FeedbackForm(FlaskForm):
    rating = SelectField(_l("Rating"), choices=[("", "—"), ("5", "5"), ("4", "4"), ("3", "3"), ("2", "2"),
                                                ("1", "1")])
    feedback = TextAreaField(_l("Feedback"))


class ImportForm(FlaskForm):
    what = SelectField(_l("Import"), choices=[("customers", _l("Customers and contacts")),
                                              ("purchases", _l("Purchases from an online shop"))])
    file = FileField(_l("CSV or XLSX file"))
    token = HiddenField()
    shop = StringField(_l("Shop (if the file has no shop column)"), validators=[Length(max=60)])
    to_pool = BooleanField(_l("Put the customers in the unassigned lead pool (to distribute them afterwards)"))
