"""Forms of the identity pages; choices are filled per request (departments, people and roles change)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import BooleanField, DateField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from core.extensions import db
from core.identity.models import Department, Role
from core.identity.positions import position_choices
from core.identity.roles import ROLE_CODE_PATTERN
from core.identity.users import EMAIL_PATTERN
from core.web.lookup import LookupField
from core.web.params import record_id


def _optional_id(value: Any) -> int | None:
    return record_id(value)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def department_choices() -> list[tuple[Any, str]]:
    rows = db.session.execute(select(Department.id, Department.name).order_by(Department.name))
    return [(None, str(_l("(none)")))] + [(dept_id, name) for dept_id, name in rows]


def role_choices(only: set[str] | None = None) -> list[tuple[str, str]]:
    """Every role as (code, name), or those whose codes are in ``only``."""
    return [(code, str(_l(name)) if builtin else name) for code, name, builtin in db.session.execute(
        select(Role.code, Role.name, Role.builtin).order_by(Role.builtin.desc(), Role.name))
        if only is None or code in only]


LOCALE_CHOICES = [("", _l("Company default")), ("zh_Hans", "简体中文"), ("en", "English")]


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=200), Regexp(
        EMAIL_PATTERN, message=_l("This is not a valid e-mail address."))])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    position = SelectField(_l("Position"), choices=[])
    department_id = SelectField(_l("Department"), coerce=_optional_id, choices=[], validate_choice=False)
    #: Searched, not listed: a company has thousands of people (issue 12).
    superior_id = LookupField(_l("Superior"), kind="core.user")
    hire_date = DateField(_l("Hire date"), validators=[Optional()])
    # Choices are the roles the signed-in user may give; anything else is refused by the service with its reason
    # (issue 11 F1), not by WTForms' "not a valid choice", which would name the role's code.
    roles = MultiCheckboxField(_l("Roles"), choices=[], validate_choice=False)
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES)

    def fill_choices(self, user_id: int | None, actor: Any = None) -> None:
        """``actor``: the signed-in user; only the roles they may give are offered (None: every role)."""
        from core.identity.access import grantable_role_codes

        self.position.choices = position_choices()
        self.department_id.choices = department_choices()
        self.roles.choices = role_choices(None if actor is None else grantable_role_codes(db.session, actor))


class NewUserForm(UserForm):
    login = StringField(_l("Login"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=200)],
                             description=_l("Leave empty to generate one; it is shown once."))


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[Optional(), Length(max=200)],
                             description=_l("Leave empty to generate one; it is shown once."))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])
    dry_run = BooleanField(_l("Dry run: check the file, save nothing"), default=True)


class DepartmentForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    parent_id = SelectField(_l("Parent department"), coerce=_optional_id, choices=[], validate_choice=False)
    head_id = LookupField(_l("Head"), kind="core.user")


class NewRoleForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Regexp(
        ROLE_CODE_PATTERN, message=_l("Use 2 to 40 lower-case letters, digits or _, starting with a letter."))])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])


class RoleNameForm(FlaskForm):
    """The role's name; its grants come as one checkbox and one scope select per permission (see roles view)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
