"""The clause editor's form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from core.regulation.services import MAX_TEXT, MAX_TITLE


class ClauseForm(FlaskForm):
    title_zh = StringField(_l("Title (Chinese)"), validators=[Length(max=MAX_TITLE)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=MAX_TITLE)])
    text_zh = TextAreaField(_l("Text (Chinese)"), validators=[Length(max=MAX_TEXT)])
    text_en = TextAreaField(_l("Text (English)"), validators=[Length(max=MAX_TEXT)])
