"""The team plugin's HTML forms. They check types and presence; the rules are the services' (TeamError), put
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
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.web.lookup import LookupField
from plugins.team.labels import (
    ACTIVITY_KIND_LABELS,
    AUDIENCE_LABELS,
    POST_KIND_LABELS,
    PROVIDER_LABELS,
    RECURRENCE_LABELS,
    SEVERITY_LABELS,
)
from plugins.team.services import TeamError


def attach_error(form: FlaskForm, exc: TeamError, default: str | None = None) -> None:
    """Show a service's refusal next to its field (or ``default``'s), else above the form."""
    name = exc.field if exc.field and exc.field in form else default
    if name and name in form:
        form[name].errors = [*form[name].errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


def finite(form: FlaskForm, field: object) -> None:
    """'NaN' and 'Infinity' parse as Decimals; stop them before a comparison raises on them."""
    from decimal import Decimal

    from wtforms.validators import StopValidation

    data = getattr(field, "data", None)
    if isinstance(data, Decimal) and not data.is_finite():
        raise StopValidation(_l("Enter a number."))


def _choices(labels: dict) -> list[tuple[str, object]]:
    return list(labels.items())


def coerce_id(value: object) -> int | None:
    """Select values from the browser: an id, or None for empty or anything that is not one."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


class NoticeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Notice"), validators=[DataRequired(), Length(max=20000)])
    audience = SelectField(_l("For"), choices=_choices(AUDIENCE_LABELS), default="all")
    department_id = SelectField(_l("Department"), coerce=coerce_id, validate_choice=False,
                                description=_l("Only for a notice to a department."))
    pinned = BooleanField(_l("Pin to the top of the board"))
    required = BooleanField(_l("Required reading"),
                            description=_l("Everyone must confirm they have read it; you see who has not."))
    expires_on = DateField(_l("Show until"), validators=[Optional()],
                           description=_l("Leave empty to keep it on the board."))
    attachment = FileField(_l("Attachment"), description=_l("Images, PDF or office documents."))


class SeriesForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)],
                        description=_l("E.g. weekly team meeting, monthly sales meeting."))
    recurrence = SelectField(_l("How often"), choices=_choices(RECURRENCE_LABELS), default="weekly")
    day = IntegerField(_l("Day"), validators=[DataRequired(message=_l("Choose the day.")),
                                              NumberRange(min=0, max=28)], default=0,
                       description=_l("Every week: 0 is Monday … 6 is Sunday. Every month: the day, 1 to 28."))
    start_time = StringField(_l("Starts at"), validators=[DataRequired(), Length(max=5)], default="09:00",
                             description=_l("Hours:minutes, company time."))
    duration_minutes = IntegerField(_l("Meeting length (minutes)"), validators=[DataRequired(), NumberRange(min=10, max=600)],
                                    default=60)
    location = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    agenda_template = TextAreaField(_l("Agenda template"), validators=[Optional(), Length(max=10000)],
                                    description=_l("Each meeting's agenda starts from it; the team's KPIs and the "
                                                   "open action items are added to it."))
    kpi_keys = SelectMultipleField(_l("KPIs on the agenda"), validate_choice=False)


class MinutesForm(FlaskForm):
    progress = TextAreaField(_l("Progress"), validators=[Optional(), Length(max=20000)])
    problems = TextAreaField(_l("Problems"), validators=[Optional(), Length(max=20000)])
    solutions = TextAreaField(_l("Solutions"), validators=[Optional(), Length(max=20000)])
    priorities = TextAreaField(_l("Priorities"), validators=[Optional(), Length(max=20000)])
    decisions = TextAreaField(_l("Decisions"), validators=[Optional(), Length(max=20000)])
    version = IntegerField(validators=[Optional()])


class ActionItemForm(FlaskForm):
    title = StringField(_l("What is to be done"), validators=[DataRequired(), Length(max=300)])
    owner_id = SelectField(_l("Who"), coerce=coerce_id, validate_choice=False)
    due_on = DateField(_l("Due"), validators=[DataRequired(message=_l("Give a due date."))])


class IssueForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=20000)])
    severity = SelectField(_l("Severity"), choices=_choices(SEVERITY_LABELS), default="normal")
    target_department_id = SelectField(_l("Department"), coerce=coerce_id, validate_choice=False)
    # Searchable (issue 12): a company's people are never one dropdown; the service checks the department.
    assignee_id = LookupField(_l("Assignee"), kind="core.user", validators=[Optional()],
                              description=_l("Someone of that department; leave empty for its head to assign."))


class AssignForm(FlaskForm):
    assignee_id = LookupField(_l("Assignee"), kind="core.user", validators=[Optional()],
                              description=_l("An active member of the department the issue is for."))


class PostForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=_choices(POST_KIND_LABELS), default="tip")
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=50000)],
                         description=_l("Plain text, or simple HTML (paragraphs, lists, links, bold)."))
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=300)],
                       description=_l("Separated by commas, e.g. objection handling, renewal."))
    # What the post is about (optional, one of them): each field is offered only while its module is on and the
    # writer may search its records (``about_fields``).
    about_customer = LookupField(_l("About a customer"), kind="crm.customer", validators=[Optional()])
    about_deal = LookupField(_l("About a deal"), kind="pipeline.deal", validators=[Optional()])
    about_course = LookupField(_l("About a course"), kind="training.course", validators=[Optional()])

    def about_fields(self) -> list[LookupField]:
        return [field for field in (self.about_customer, self.about_deal, self.about_course) if field is not None]

    def related(self) -> tuple[str | None, int | None]:
        """The (kind, id) chosen; a refusal names the fields when more than one was filled."""
        chosen = [field for field in self.about_fields() if field.data is not None]
        if len(chosen) > 1:
            raise TeamError(_l("A post is about one record: choose a customer, a deal or a course."),
                            chosen[-1].name)
        return (chosen[0].kind, chosen[0].data) if chosen else (None, None)


def offer_about_fields(form: PostForm, user: object) -> None:
    """Drop the "about" fields whose module is off or whose records ``user`` may not search."""
    from core.web.lookup import get_lookup, may_use

    for field in list(form.about_fields()):
        definition = get_lookup(field.kind)
        if definition is None or not may_use(definition, user):
            del form[field.name]


class KudosForm(FlaskForm):
    to_id = LookupField(_l("Whom you thank"), kind="core.user", validators=[Optional()])
    reason = TextAreaField(_l("For"), validators=[DataRequired(), Length(max=2000)])


class AwardTypeForm(FlaskForm):
    name = StringField(_l("Award"), validators=[DataRequired(), Length(max=120)],
                       description=_l("E.g. monthly sales champion, best newcomer, service star."))
    description = TextAreaField(_l("Criteria"), validators=[Optional(), Length(max=5000)])
    kpi_key = SelectField(_l("Measured by"), validate_choice=False)
    winners = IntegerField(_l("People a month"), validators=[DataRequired(), NumberRange(min=1, max=10)], default=1)
    min_value = DecimalField(_l("At least"), validators=[Optional(), finite, NumberRange(min=-10**12, max=10**12)],
                             description=_l("Only people reaching this value are suggested."))
    newcomer_days = IntegerField(_l("Hired within (days)"), validators=[Optional(), NumberRange(min=1, max=3650)],
                                 description=_l("For newcomer awards; leave empty for everyone."))


class ActivityForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=_choices(ACTIVITY_KIND_LABELS), default="outdoor")
    starts_at = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(message=_l("Give the date and time."))])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    capacity = IntegerField(_l("Places"), validators=[Optional(), NumberRange(min=1, max=100000)],
                            description=_l("Leave empty for no limit."))
    cost = DecimalField(_l("Cost (CNY)"), validators=[Optional(), finite, NumberRange(min=0, max=999999999999)], places=2)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)])


class RobotForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    provider = SelectField(_l("Provider"), choices=_choices(PROVIDER_LABELS))
    webhook_url = StringField(_l("Webhook address"), validators=[DataRequired(), Length(max=500)],
                              description=_l("As the group's robot settings show it (WeCom's includes the key)."))
    secret = StringField(_l("Signing secret"), validators=[Optional(), Length(max=200)],
                         description=_l("DingTalk and Feishu: the robot's signature secret, if it has one."))
    audience = SelectField(_l("Tells"), choices=_choices(AUDIENCE_LABELS), default="team")
    department_id = SelectField(_l("Department"), coerce=coerce_id, validate_choice=False)
