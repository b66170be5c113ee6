"""The recruitment HTML forms. They check types and presence; the rules are the services' (RecruitmentError), put
back next to the field they concern with ``attach_error``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.web.params import MAX_DB_INTEGER, record_id
from plugins.recruitment.services import RecruitmentError


def attach_error(form: FlaskForm, exc: RecruitmentError, default: str | None = None) -> None:
    """Show a service's refusal next to its field (or ``default``'s), else above the form."""
    name = exc.field if exc.field and exc.field in form else default
    if name and name in form:
        form[name].errors = [*form[name].errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


def optional_int(value: object) -> int | None:
    """A record id from a select, or None (blank, not digits, or beyond what an id column holds)."""
    if isinstance(value, int):
        return value if 1 <= value <= MAX_DB_INTEGER else None
    return record_id(value)


def record_id_strict(value: object) -> int:
    """A record id from a multiple select; anything else is refused (WTForms then says the choice is invalid)."""
    number = optional_int(value)
    if number is None:
        raise ValueError(value)
    return number


class ActionForm(FlaskForm):
    """A button that changes state: the CSRF token, the version the user saw, an optional note."""

    version = HiddenField()
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class RequisitionForm(FlaskForm):
    title = StringField(_l("Position title"), validators=[DataRequired(), Length(max=200)])
    position = SelectField(_l("Role of the position"))
    department_id = SelectField(_l("Department"), coerce=optional_int, validate_choice=False)
    headcount = IntegerField(_l("Headcount"), default=1, validators=[DataRequired(), NumberRange(min=1, max=500)])
    reason = SelectField(_l("Reason"))
    salary_min = DecimalField(_l("Monthly salary from (CNY)"), places=2, validators=[Optional(),
                                                                                     NumberRange(min=0)])
    salary_max = DecimalField(_l("Monthly salary to (CNY)"), places=2, validators=[Optional(), NumberRange(min=0)])
    required_by = DateField(_l("Needed by"), validators=[Optional()])
    description = TextAreaField(_l("Duties"), validators=[Optional(), Length(max=5000)])
    requirements = TextAreaField(
        _l("Requirements and standards"), validators=[DataRequired(), Length(max=5000)],
        description=_l("One a line, optionally starting with education:, experience:, skill: or language:. They "
                       "become the screening checklist and the interview scorecard."))


class DecisionForm(FlaskForm):
    version = HiddenField()
    decision = HiddenField()
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])


class CandidateForm(FlaskForm):
    """HR's manual entry of an application."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=200)])
    education = StringField(_l("Education"), validators=[Optional(), Length(max=200)])
    current_employer = StringField(_l("Current employer"), validators=[Optional(), Length(max=200)])
    requisition_id = SelectField(_l("Position"), coerce=optional_int, validate_choice=False)
    channel = SelectField(_l("Channel"))
    source_detail = StringField(_l("Source detail"), validators=[Optional(), Length(max=200)],
                                description=_l("The job site, the event or the agency."))
    referrer_id = SelectField(_l("Referred by"), coerce=optional_int, validate_choice=False)
    cover_letter = TextAreaField(_l("Notes from the application"), validators=[Optional(), Length(max=10000)])
    cv = FileField(_l("CV"))
    consent = BooleanField(_l("The candidate consented to the processing of their data"))
    talent_pool = BooleanField(_l("The candidate agreed to stay in our talent pool"))


class ImportForm(FlaskForm):
    requisition_id = SelectField(_l("Position"), coerce=optional_int, validate_choice=False)
    channel = SelectField(_l("Channel"))
    posting_id = SelectField(_l("Posting"), coerce=optional_int, validate_choice=False)
    file = FileField(_l("CSV or XLSX file"), description=_l(
        "Columns: name (姓名), phone (手机) or e-mail (邮箱); optional education (学历), employer (当前公司), "
        "source (来源), cover letter (自我介绍)."))


class ApplyForm(FlaskForm):
    """The careers page's form. ``website`` is the honeypot: hidden from people, filled by robots."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    phone = StringField(_l("Mobile phone"), validators=[DataRequired(), Length(max=40)])
    email = StringField(_l("E-mail"), validators=[DataRequired(), Length(max=200)])
    education = StringField(_l("Highest education"), validators=[Optional(), Length(max=200)])
    current_employer = StringField(_l("Current employer"), validators=[Optional(), Length(max=200)])
    cover_letter = TextAreaField(_l("About you"), validators=[Optional(), Length(max=5000)])
    cv = FileField(_l("CV (PDF, Word or image)"))
    consent = BooleanField(_l("I agree that the company processes my data to assess this application."),
                           validators=[DataRequired(_l("We can only process your application with your "
                                                       "consent."))])
    talent_pool = BooleanField(_l("Keep my data in the talent pool for other openings."))
    website = StringField(_l("Leave this field empty"))
    stamp = HiddenField()


class ScreeningForm(FlaskForm):
    version = HiddenField()
    decision = SelectField(_l("Decision"))
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)],
                           description=_l("Required for hold or reject; never sent to the candidate."))
    skip_test = BooleanField(_l("No written test for this position: go straight to interviews"))


class TestLinkForm(FlaskForm):
    paper_id = SelectField(_l("Test paper"), coerce=optional_int, validate_choice=False)


class TestResultForm(FlaskForm):
    score = DecimalField(_l("Score"), places=2, validators=[DataRequired()])
    max_score = DecimalField(_l("Out of"), places=2, default=100, validators=[DataRequired()])
    passed = BooleanField(_l("Passed"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class PaperForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    minutes = IntegerField(_l("Time limit (minutes)"), default=30, validators=[DataRequired(),
                                                                              NumberRange(min=1, max=600)])
    pass_score = DecimalField(_l("Pass mark"), places=2, default=60, validators=[DataRequired()])
    questions = TextAreaField(
        _l("Questions"), validators=[DataRequired(), Length(max=50000)],
        description=_l("A blank line between questions. First line: the question. Choices start with -, the "
                       "right one with *. Without choices the answer is written and marked by hand. Optional last "
                       "line: points: 10."))


class InterviewForm(FlaskForm):
    interviewer_ids = SelectMultipleField(_l("Interviewers"), coerce=record_id_strict, validate_choice=False)
    scheduled_at = DateTimeLocalField(_l("When"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    location = StringField(_l("Where"), validators=[Optional(), Length(max=200)])


class OfferForm(FlaskForm):
    salary = DecimalField(_l("Monthly salary (CNY)"), places=2, validators=[DataRequired()])
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
    position = SelectField(_l("Role"))
    department_id = SelectField(_l("Department"), coerce=optional_int, validate_choice=False)
    superior_id = SelectField(_l("Superior"), coerce=optional_int, validate_choice=False)
    terms = TextAreaField(_l("Other terms"), validators=[Optional(), Length(max=5000)])


class HireForm(FlaskForm):
    login = StringField(_l("Login of the new employee"), validators=[DataRequired(), Length(max=64)])


class PostingForm(FlaskForm):
    requisition_id = SelectField(_l("Hiring plan"), coerce=optional_int, validate_choice=False)
    channel = SelectField(_l("Channel"))
    venue = StringField(_l("Where"), validators=[Optional(), Length(max=200)],
                        description=_l("The job site, the university, the agency."))
    url = StringField(_l("Link to the posting"), validators=[Optional(), Length(max=500)])
    event_date = DateField(_l("Event date (campus)"), validators=[Optional()])


class CostForm(FlaskForm):
    channel = SelectField(_l("Channel"))
    amount = DecimalField(_l("Amount (CNY)"), places=2, validators=[DataRequired()])
    spent_on = DateField(_l("Date"), validators=[DataRequired()])
    posting_id = SelectField(_l("Posting"), coerce=optional_int, validate_choice=False)
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])


class ErasureForm(FlaskForm):
    note = TextAreaField(_l("The request"), validators=[DataRequired(), Length(max=2000)],
                         description=_l("Who asked, when and how."))
