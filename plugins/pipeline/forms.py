"""The pipeline's HTML forms. They check types and presence; the rules of the sales process are the services'
(PipelineError), put back next to the field they concern with ``attach_error``."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.money import MoneyField
from core.web.lookup import LookupField
from plugins.pipeline.labels import CHANNEL_LABELS, PRIORITY_LABELS, TICKET_KIND_LABELS
from plugins.pipeline.services import PipelineError


def attach_error(form: FlaskForm, exc: PipelineError, default: str | None = None) -> None:
    """Show a service's refusal next to its field (or ``default``'s), else above the form."""
    name = exc.field if exc.field and exc.field in form else default
    if name and name in form:
        form[name].errors = [*form[name].errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


class ProductForm(FlaskForm):
    sku = StringField(_l("SKU"), validators=[DataRequired(), Length(max=64)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    category = StringField(_l("Category"), validators=[DataRequired(), Length(max=100)])
    list_price = MoneyField(_l("List price (CNY)"))
    cost = MoneyField(_l("Unit cost (CNY)"), required=False,
                      description=_l("Used for profit; not shown to customers."))
    unit = StringField(_l("Unit"), default="件", validators=[DataRequired(), Length(max=20)])
    tax_rate = DecimalField(_l("VAT rate (%)"), places=2, default=13, validators=[DataRequired(),
                                                                               NumberRange(min=0, max=100)])
    active = BooleanField(_l("Active (can be quoted)"), default=True)
    features = TextAreaField(_l("Features"), validators=[Optional()])
    advantages = TextAreaField(_l("Advantages"), validators=[Optional()])
    selling_points = TextAreaField(_l("Selling points"), validators=[Optional()],
                                   description=_l("What representatives say to customers (R2.1.2)."))


class DealForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    # A searchable select of the customers the user may see (issue 12: the dropdown stopped at 500).
    customer_id = LookupField(_l("Customer"), kind="crm.customer", validators=[DataRequired()])
    expected_value = MoneyField(_l("Expected value (CNY)"), default=0)
    expected_close = DateField(_l("Expected close"), validators=[Optional()])
    situation = TextAreaField(_l("Customer's situation"), validators=[Optional()],
                              description=_l("The needs recorded on the customer are brought over (R6.2.1)."))


class QuickDealForm(FlaskForm):
    """The board's quick-create in the customer development column (R6.1): the few fields a deal needs."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    customer_id = LookupField(_l("Customer"), kind="crm.customer", validators=[DataRequired()])
    expected_value = MoneyField(_l("Expected value (CNY)"), required=False)


class DealEditForm(FlaskForm):
    """The deal's own fields and what the needs (R6.2.1) and negotiation (R6.4.2) stages record."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    expected_value = MoneyField(_l("Expected value (CNY)"))
    expected_close = DateField(_l("Expected close"), validators=[Optional()])
    situation = TextAreaField(_l("Customer's situation"), validators=[Optional()])
    pain_points = TextAreaField(_l("Pain points"), validators=[Optional()])
    goals = TextAreaField(_l("Goals"), validators=[Optional()])
    concerns = TextAreaField(_l("Customer's concerns"), validators=[Optional()])
    bottom_line = TextAreaField(_l("Customer's bottom line"), validators=[Optional()])


class MoveForm(FlaskForm):
    stage = HiddenField(validators=[DataRequired()])
    expected_version = HiddenField(validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class LoseForm(FlaskForm):
    reason = TextAreaField(_l("Why was it lost?"), validators=[DataRequired()])
    competitor = StringField(_l("Lost to competitor"), validators=[Optional(), Length(max=200)])


class LineForm(FlaskForm):
    class Meta:
        csrf = False  # a sub-form: the outer form carries the token

    product_id = LookupField(_l("Product"), kind="pipeline.product", validators=[Optional()])
    quantity = DecimalField(_l("Quantity"), places=3, validators=[Optional(), NumberRange(min=0)])
    unit_price = MoneyField(_l("Unit price"), required=False, description=_l("Empty: the list price."))
    discount = DecimalField(_l("Discount (%)"), places=2, default=0,
                            validators=[Optional(), NumberRange(min=0, max=100)])


class QuotationForm(FlaskForm):
    lines = FieldList(FormField(LineForm), min_entries=1, max_entries=50)
    valid_until = DateField(_l("Valid until"), validators=[DataRequired()])
    solution = TextAreaField(_l("Solution"), validators=[Optional()],
                             description=_l("The solution proposed for the customer's needs (R6.2.2, R6.3.1)."))
    terms = TextAreaField(_l("Terms"), validators=[Optional()])


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional()],
                           description=_l("Required when refusing."))


class ResponseForm(FlaskForm):
    note = TextAreaField(_l("Customer's answer"), validators=[Optional()])


class ContractForm(FlaskForm):
    number = StringField(_l("Contract number"), validators=[DataRequired(), Length(max=40)])
    signed_on = DateField(_l("Signed on"), validators=[DataRequired()])
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    terms = TextAreaField(_l("Terms"), validators=[Optional()])
    signed_file = FileField(_l("Signed contract (scan or PDF)"),
                            description=_l("The deal leaves the contract stage only with the signed file (R6.5.1)."))


class SignedFileForm(FlaskForm):
    signed_file = FileField(_l("Signed contract (scan or PDF)"))


class StatusForm(FlaskForm):
    status = HiddenField(validators=[DataRequired()])
    expected_version = HiddenField()
    carrier = StringField(_l("Carrier"), validators=[Optional(), Length(max=100)])
    tracking_number = StringField(_l("Tracking number"), validators=[Optional(), Length(max=100)])


class ImportForm(FlaskForm):
    file = FileField(_l("Shop order export (CSV or XLSX)"))
    dry_run = BooleanField(_l("Dry run: check only, save nothing"), default=True)


def ticket_kind_choices() -> list[tuple[str, Any]]:
    return list(TICKET_KIND_LABELS.items())


def priority_choices() -> list[tuple[str, Any]]:
    return list(PRIORITY_LABELS.items())


def channel_choices() -> list[tuple[str, Any]]:
    return list(CHANNEL_LABELS.items())


class TicketForm(FlaskForm):
    customer_id = LookupField(_l("Customer"), kind="crm.customer", validators=[DataRequired()])
    kind = SelectField(_l("Kind"), choices=ticket_kind_choices)
    priority = SelectField(_l("Priority"), choices=priority_choices, default="normal")
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional()])


class TicketStateForm(FlaskForm):
    state = HiddenField(validators=[DataRequired()])
    resolution = TextAreaField(_l("Resolution"), validators=[Optional()])


class TargetForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    user_id = SelectField(_l("Representative"), coerce=lambda v: int(v) if v not in (None, "", "None") else None,
                          validate_choice=False)
    month = SelectField(_l("Month"), coerce=lambda v: int(v) if v not in (None, "", "None") else None,
                        validate_choice=False)
    amount = MoneyField(_l("Target (CNY)"))
