"""WTForms' own words (default labels, built-in validators' messages) come in the request's language, from a
catalogue read once per language for the process (core/web/form_messages.py, issue 18)."""

from __future__ import annotations

from babel import support
from flask_babel import force_locale
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired

from core.web import form_messages


class _Form(FlaskForm):
    class Meta:
        csrf = False

    name = StringField(validators=[DataRequired()])  # no label of its own: WTForms writes one from the name
    count = IntegerField("Count")


def _submitted(app, locale: str) -> _Form:
    with app.test_request_context(method="POST", data={"name": "", "count": "x"}):
        app.preprocess_request()
        with force_locale(locale):
            form = _Form()
            form.validate()
            return form


def test_wtforms_messages_follow_the_request_language(app):
    chinese = _submitted(app, "zh_Hans")
    assert chinese.name.errors == ["该字段是必填字段。"]
    assert chinese.count.errors == ["不是有效的整数。"]
    english = _submitted(app, "en")
    assert english.name.errors == ["This field is required."]
    assert english.count.errors == ["Not a valid integer value."]


def test_each_language_is_read_from_disk_once(app, monkeypatch):
    reads: list[list[str]] = []
    original = support.Translations.load

    def counted(dirname, locales, domain):  # type: ignore[no-untyped-def]
        reads.append(list(locales))
        return original(dirname, locales, domain)

    monkeypatch.setattr(support.Translations, "load", counted)
    form_messages.catalogue.cache_clear()
    try:
        for _ in range(3):
            assert _submitted(app, "zh_Hans").name.errors == ["该字段是必填字段。"]
            assert _submitted(app, "en").name.errors == ["This field is required."]
    finally:
        form_messages.catalogue.cache_clear()
    assert reads == [["zh_Hans"], ["en"]]
