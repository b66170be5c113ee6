"""HTML forms. They check the shape of the input (a date is a date); the services check the rules."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from core.web.params import record_id
from plugins.expenses.labels import PAYMENT_METHOD_LABELS
from plugins.expenses.services.claims import LineInput
from plugins.expenses.services.payments import PAYMENT_METHODS

MAX_LINES = 50


def _int_or_none(value: Any) -> int | None:
    """A select's or hidden field's record id, None when empty or not one (core.web.params)."""
    return record_id(value)


def select_choices(choices: list[tuple[int, str]], empty: str = "—") -> list[SelectChoice]:
    """Options for an id select: an empty first option (nothing chosen yet, coerced to None), then ``choices``."""
    return [SelectChoice("", empty), *(SelectChoice(str(value), label) for value, label in choices)]


class LineForm(Form):
    """One expense line (no CSRF of its own: it lives inside the claim form)."""

    line_id = HiddenField()
    expense_date = DateField(_l("Date"), validators=[Optional()])
    category_id = SelectField(_l("Category"), coerce=_int_or_none, validate_choice=False)
    amount = StringField(_l("Amount (CNY)"))
    description = StringField(_l("Description"))
    invoice_number = StringField(_l("Invoice number"))
    receipt = MultipleFileField(_l("Invoice or receipt (image or PDF)"))


class ClaimForm(FlaskForm):
    title = StringField(_l("Purpose of the claim"), validators=[DataRequired(), Length(max=200)])
    lines = FieldList(FormField(LineForm), min_entries=1, max_entries=MAX_LINES)
    version = HiddenField()

    def set_categories(self, choices: list[tuple[int, str]]) -> None:
        for entry in self.lines:
            entry.form.category_id.choices = select_choices(choices)

    def line_inputs(self) -> list[LineInput]:
        return [
            LineInput(expense_date=entry.form.expense_date.data, category_id=entry.form.category_id.data,
                      amount=entry.form.amount.data, description=entry.form.description.data or "",
                      invoice_number=entry.form.invoice_number.data or "",
                      line_id=_int_or_none(entry.form.line_id.data))
            for entry in self.lines
        ]


class ReviewForm(FlaskForm):
    reason = TextAreaField(_l("Reason or comment"), validators=[Length(max=2000)])
    version = HiddenField()


class PaymentForm(FlaskForm):
    paid_on = DateField(_l("Payment date"), validators=[DataRequired()])
    method = SelectField(_l("Method"), choices=[SelectChoice(m, PAYMENT_METHOD_LABELS[m]) for m in PAYMENT_METHODS])
    reference = StringField(_l("Reference (bank slip, transaction number)"), validators=[Length(max=100)])
    version = HiddenField()


def method_choices() -> list[SelectChoice]:
    """PaymentForm's methods for a form drawn in this request: the labels translated once per locale and process
    (core.web.list_cells.label_text, trusted as the lazy labels were drawn), where the select translated each label
    twice on every page (issue 18). The same options, the same HTML."""
    from core.web.list_cells import label_text

    return [SelectChoice(method, label_text(PAYMENT_METHOD_LABELS[method])) for method in PAYMENT_METHODS]


class BudgetForm(FlaskForm):
    department_id = SelectField(_l("Department"), coerce=_int_or_none, validate_choice=False)
    category_id = SelectField(_l("Category"), coerce=_int_or_none, validate_choice=False)
    year = IntegerField(_l("Year"), validators=[DataRequired()])
    amount = StringField(_l("Annual amount (CNY)"), validators=[DataRequired()])
    months = FieldList(StringField(), min_entries=12, max_entries=12)
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])
    version = HiddenField()


class CategoryForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    policy = SelectField(_l("When a claim exceeds the budget"),
                         choices=[SelectChoice("warn", _l("Warn the reviewers")),
                                  SelectChoice("block", _l("Block the claim"))])
    active = BooleanField(_l("Active"), default=True)
