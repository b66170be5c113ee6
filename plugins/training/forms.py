"""The training plugin's HTML forms. They check types and presence; the training rules are the services'
(TrainingError), put back next to the field they concern with ``attach_error``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core.web.params import record_id_field
from plugins.training.labels import ITEM_KIND_LABELS, KIND_LABELS, QUESTION_KIND_LABELS
from plugins.training.services import TrainingError


class FiniteDecimalField(DecimalField):
    """A DecimalField that refuses NaN, sNaN and Infinity with a message (sNaN made NumberRange raise: a 500)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if valuelist and isinstance(self.data, Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError(_l("Enter a number."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def attach_error(form: FlaskForm, exc: TrainingError, default: str | None = None) -> None:
    """Show a service's refusal next to its field (or ``default``'s), else above the form."""
    name = exc.field if exc.field and exc.field in form else default
    if name and name in form:
        form[name].errors = [*form[name].errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


def optional_id(value: Any) -> int | None:
    """A select's value as a record id, or None for "(none)" (never a 500 on a forged value)."""
    from core.web.params import record_id

    return record_id(value)


def kind_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in KIND_LABELS.items()]


class CourseForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=kind_choices)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    duration_hours = FiniteDecimalField(_l("Duration (hours)"), places=2, default=0,
                                  validators=[Optional(), NumberRange(min=0, max=9999)])
    trainer_id = SelectField(_l("Internal trainer"), validate_choice=False, validators=[Optional()])
    trainer_name = StringField(_l("External trainer"), validators=[Optional(), Length(max=200)],
                               description=_l("A company or coach from outside; leave empty for an internal trainer."))
    mandatory_positions = MultiCheckboxField(_l("Mandatory for"), validate_choice=False)
    rubric = TextAreaField(_l("Practical assessment rubric"), validators=[Optional(), Length(max=5000)],
                           description=_l("One criterion a line: name and most points, e.g. “需求挖掘: 30”."))


class ModuleForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text page"), validators=[Optional(), Length(max=20000)],
                         description=_l("What the participant reads; blank lines separate paragraphs."))
    link_url = StringField(_l("Link"), validators=[Optional(), Length(max=500)],
                           description=_l("A video or a page elsewhere, starting with https://"))
    due_day = IntegerField(_l("Due days after the start"), default=0,
                           validators=[Optional(), NumberRange(min=0, max=365)],
                           description=_l("For onboarding: days after the hire date."))


class MaterialForm(FlaskForm):
    file = FileField(_l("File"))


class SessionForm(FlaskForm):
    starts_at = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    online_url = StringField(_l("Online link"), validators=[Optional(), Length(max=500)])
    capacity = IntegerField(_l("Capacity"), default=20, validators=[DataRequired(), NumberRange(min=1, max=10000)])
    trainer_id = SelectField(_l("Internal trainer"), validate_choice=False, validators=[Optional()])
    trainer_name = StringField(_l("External trainer"), validators=[Optional(), Length(max=200)])
    audience_positions = MultiCheckboxField(_l("Audience: positions"), validate_choice=False)
    audience_team_of_id = SelectField(_l("Audience: the team of"), validate_choice=False, validators=[Optional()])


class ProgrammeForm(FlaskForm):
    position = HiddenField(validators=[DataRequired()])
    course_id = SelectField(_l("Onboarding course"), validate_choice=False, validators=[Optional()])


class AssignForm(FlaskForm):
    user_id = SelectField(_l("Person"), validate_choice=False, validators=[DataRequired()])
    course_id = SelectField(_l("Course"), validate_choice=False, validators=[DataRequired()])
    due_date = DateField(_l("Due date"), validators=[Optional()])


class PlanForm(FlaskForm):
    user_id = SelectField(_l("Person"), validate_choice=False, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    reason = TextAreaField(_l("Why"), validators=[Optional(), Length(max=5000)])
    goals = TextAreaField(_l("Goals"), validators=[Optional(), Length(max=5000)])


class PlanItemForm(FlaskForm):
    kind = SelectField(_l("Add"), choices=list(ITEM_KIND_LABELS.items()))  # lazy: translated per request
    course_id = SelectField(_l("Course"), validate_choice=False, validators=[Optional()])
    title = StringField(_l("Coaching session or goal"), validators=[Optional(), Length(max=200)])
    due_date = DateField(_l("Due date"), validators=[Optional()])


class MappingForm(FlaskForm):
    kpi = SelectField(_l("Result indicator"), validate_choice=False, validators=[Optional()])
    indicator_name = StringField(_l("Or a behaviour indicator"), validators=[Optional(), Length(max=100)],
                                 description=_l("Its name as the appraisal template writes it, e.g. 公司文化认同."))
    course_id = SelectField(_l("Course"), validate_choice=False, validators=[DataRequired()])


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=list(QUESTION_KIND_LABELS.items()))  # lazy: translated per request
    text = TextAreaField(_l("Question"), validators=[DataRequired(), Length(max=5000)])
    options = TextAreaField(_l("Choices"), validators=[Optional(), Length(max=5000)],
                            description=_l("One choice a line; start the right ones with *."))
    points = IntegerField(_l("Points"), default=1, validators=[DataRequired(), NumberRange(min=1, max=100)])


class ExamForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    time_limit_minutes = IntegerField(_l("Time limit (minutes)"), default=30,
                                      validators=[DataRequired(), NumberRange(min=1, max=600)])
    pass_mark = FiniteDecimalField(_l("Pass mark (%)"), places=0, default=60,
                             validators=[DataRequired(), NumberRange(min=0, max=100)])
    max_attempts = IntegerField(_l("Attempts allowed"), default=1,
                                validators=[DataRequired(), NumberRange(min=1, max=20)])
    question_ids = MultiCheckboxField(_l("Questions"), validate_choice=False)


class GradeForm(FlaskForm):
    answer_id = HiddenField(validators=[DataRequired()])
    points = FiniteDecimalField(_l("Points"), places=2, validators=[DataRequired(), NumberRange(min=0, max=100)])


class FeedbackForm(FlaskForm):
    rating = RadioField(_l("How useful was the course?"), choices=[
        ("5", _l("Very useful")), ("4", _l("Useful")), ("3", _l("Fair")), ("2", _l("Of little use")),
        ("1", _l("Not useful"))], validators=[DataRequired()])
    useful = TextAreaField(_l("What helped you most?"), validators=[Optional(), Length(max=5000)])
    improve = TextAreaField(_l("What should be improved?"), validators=[Optional(), Length(max=5000)])


class EffectForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: the report's address can be bookmarked

    course_id = SelectField(_l("Course"), validate_choice=False, validators=[Optional()])
    start = DateField(_l("Completed from"), validators=[Optional()])
    end = DateField(_l("Completed before"), validators=[Optional()])
    weeks = IntegerField(_l("Weeks before and after"), validators=[Optional(), NumberRange(min=1, max=52)])
    kpis = MultiCheckboxField(_l("Indicators"), validate_choice=False)


__all__ = ["record_id_field"]
