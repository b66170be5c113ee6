"""The sign-in and change-password forms."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from core.identity.passwords import MIN_LENGTH, password_problems


class LoginForm(FlaskForm):
    login = StringField(_l("Login"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=200)],
        description=_l("At least %(n)d characters, letters mixed with digits or symbols, not containing your login.",
                       n=MIN_LENGTH),
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))],
    )

    def __init__(self, *args: Any, login: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._login = login

    def validate_new_password(self, field: Any) -> None:
        # The policy of core/identity/passwords.py, shown next to the field.
        problems = password_problems(field.data or "", self._login)
        if problems:
            raise ValidationError(" ".join(problems))
        if field.data == self.current_password.data:
            raise ValidationError(_l("Choose a password different from the current one."))
