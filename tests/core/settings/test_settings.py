"""Settings (issue 4): declared defaults, validation by type, one page with a section per enabled plugin, field
errors next to fields and nothing half-saved, the SMTP password never shown back, the logo upload."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from core.extensions import db
from core.settings import SettingError, get_setting, set_setting
from core.settings.models import Setting

PLUGIN_HOOKS = '''
from core.contracts import SettingDef


@hookimpl
def register_settings():
    return [
        SettingDef("setdemo.revisit_days", "Revisit every (days)", "int", default=30),
        SettingDef("setdemo.rate", "Commission rate", "decimal", default="0.05"),
        SettingDef("setdemo.remind", "Send reminders", "bool", default=True),
        SettingDef("setdemo.channel", "Channel", "choice", default="sms", choices=(("sms", "SMS"), ("mail", "Mail"))),
        SettingDef("setdemo.note", "Note", "text", default=""),
        SettingDef("wrong.prefix", "Ignored: not in the plugin's namespace", "str"),
    ]
'''
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def plugin_app(temp_plugin: Any, make_app: Any) -> Any:
    temp_plugin("setdemo", hooks=PLUGIN_HOOKS, title="Settings demo")
    app = make_app(enable="none", COMPANY_NAME="Acme Trading")
    with app.app_context():
        yield app


def admin_client(app: Any, make_user: Any, login_as: Any) -> Any:
    return login_as(make_user("boss", roles=["admin"], locale="en"), on=app.test_client())


def stored() -> dict[str, Any]:
    db.session.expire_all()
    return dict(db.session.execute(select(Setting.key, Setting.value)).all())


def test_unset_settings_give_their_declared_default(plugin_app):
    assert get_setting("core.company_name") == "Acme Trading"  # from the configuration's COMPANY_NAME
    assert get_setting("core.smtp_port") == 587
    assert get_setting("setdemo.revisit_days") == 30  # declared even while its plugin is disabled
    with pytest.raises(KeyError):
        get_setting("nobody.declares.this")
    with pytest.raises(KeyError):
        get_setting("wrong.prefix")


def test_values_are_validated_and_typed(plugin_app):
    assert set_setting("setdemo.revisit_days", " 45 ") == 45
    assert set_setting("setdemo.rate", "0.075") == Decimal("0.075")
    assert set_setting("setdemo.remind", "") is False
    assert set_setting("setdemo.channel", "mail") == "mail"
    db.session.commit()
    assert get_setting("setdemo.rate") == Decimal("0.075") and isinstance(get_setting("setdemo.rate"), Decimal)
    assert get_setting("setdemo.revisit_days") == 45 and get_setting("setdemo.remind") is False
    assert stored()["setdemo.rate"] == "0.075"  # decimals are stored as text: no float on the way

    bad = [("setdemo.revisit_days", "ten", "whole number"), ("setdemo.revisit_days", True, "whole number"),
           ("setdemo.rate", "NaN", "number"), ("setdemo.rate", "1e20", "too large"),
           ("setdemo.remind", "perhaps", "yes or no"), ("setdemo.channel", "fax", "offered values"),
           ("core.smtp_port", 70000, "65535"), ("core.smtp_sender", "not an address", "email address"),
           ("core.company_name", "two\nlines", "single line"), ("core.timezone", "Mars/Olympus", "offered")]
    with force_locale("en"):
        for key, value, message in bad:
            with pytest.raises(SettingError, match=message):
                set_setting(key, value)
    assert get_setting("core.timezone") == "Asia/Shanghai"


def test_a_value_saved_by_another_process_is_seen_by_the_next_request(plugin_app, make_app, make_user, login_as):
    client = admin_client(plugin_app, make_user, login_as)
    other = make_app(enable="none")
    with other.app_context():
        set_setting("core.company_name", "Renamed Ltd")
        db.session.commit()
    assert 'value="Renamed Ltd"' in client.get("/admin/settings").get_data(as_text=True)


def test_plugin_settings_appear_only_while_the_plugin_is_enabled(plugin_app, make_user, login_as):
    from core.setup import disable_plugins, enable_plugins

    client = admin_client(plugin_app, make_user, login_as)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "Company name" in page and "Settings demo" not in page and "setdemo.revisit_days" not in page

    enable_plugins(plugin_app, "setdemo")
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "<legend>Settings demo</legend>" in page and 'name="setdemo.revisit_days"' in page
    assert "wrong.prefix" not in page

    disable_plugins(plugin_app, "setdemo")
    assert "Settings demo" not in client.get("/admin/settings").get_data(as_text=True)


def test_a_bad_field_is_marked_and_nothing_is_saved(plugin_app, make_user, login_as):
    from core.setup import enable_plugins

    enable_plugins(plugin_app, "setdemo")
    client = admin_client(plugin_app, make_user, login_as)
    form = {"core.company_name": "New name", "core.timezone": "Asia/Shanghai", "core.smtp_port": "abc",
            "core.smtp_tls": "starttls", "setdemo.revisit_days": "14", "setdemo.rate": "0.1",
            "setdemo.channel": "sms", "setdemo.remind": "0"}
    response = client.post("/admin/settings", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page
    assert 'id="core.smtp_port-error">Enter a whole number.' in page
    assert 'value="New name"' in page  # what was typed is kept
    assert stored() == {}

    form["core.smtp_port"] = "2525"
    response = client.post("/admin/settings", data=form, follow_redirects=True)
    assert "Settings saved." in response.get_data(as_text=True)
    assert get_setting("core.smtp_port") == 2525 and get_setting("setdemo.revisit_days") == 14
    assert get_setting("core.company_name") == "New name"
    assert get_setting("setdemo.remind") is False  # an unticked box: only its hidden "0" is sent
    assert "setdemo.note" not in stored()  # not on the form: left alone
    assert stored()["core.company_name"] == "New name"
    assert db.session.get(Setting, "core.company_name").updated_by_id is not None


def test_the_smtp_password_is_never_shown_and_kept_when_left_empty(plugin_app, make_user, login_as):
    client = admin_client(plugin_app, make_user, login_as)
    base = {"core.company_name": "Acme", "core.timezone": "UTC", "core.smtp_port": "587", "core.smtp_tls": "none"}
    saved = client.post("/admin/settings", data={**base, "core.smtp_password": "s3cret-value"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert get_setting("core.smtp_password") == "s3cret-value"
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "s3cret-value" not in page
    client.post("/admin/settings", data={**base, "core.smtp_password": ""})
    assert stored()["core.smtp_password"] == "s3cret-value"


def test_the_logo_is_uploaded_checked_and_served(plugin_app, make_user, login_as, tmp_path):
    from io import BytesIO

    client = admin_client(plugin_app, make_user, login_as)
    base = {"core.company_name": "Acme", "core.timezone": "UTC", "core.smtp_port": "587", "core.smtp_tls": "none"}
    assert client.get("/company/logo").status_code == 404

    fake = client.post("/admin/settings", data={**base, "core.logo": (BytesIO(b"<svg onload=alert(1)>"), "x.png")},
                       content_type="multipart/form-data")
    assert fake.status_code == 422 and "Upload a PNG, JPEG, GIF or WebP image." in fake.get_data(as_text=True)
    assert "core.logo" not in stored()

    plugin_app.config["LOGO_MAX_BYTES"] = 32
    big = client.post("/admin/settings", data={**base, "core.logo": (BytesIO(PNG), "logo.png")},
                      content_type="multipart/form-data")
    assert big.status_code == 422
    plugin_app.config["LOGO_MAX_BYTES"] = 1024 * 1024

    ok = client.post("/admin/settings", data={**base, "core.logo": (BytesIO(PNG), "logo.png")},
                     content_type="multipart/form-data")
    assert ok.status_code == 302
    served = plugin_app.test_client().get("/company/logo")  # no sign-in needed: the sign-in page shows it
    assert served.status_code == 200 and served.mimetype == "image/png" and served.data == PNG

    client.post("/admin/settings", data={**base, "remove_logo": "1"})
    assert client.get("/company/logo").status_code == 404


def test_the_settings_page_needs_the_permission(plugin_app, make_user, login_as):
    client = login_as(make_user(roles=["sales_rep"]), on=plugin_app.test_client())
    assert client.get("/admin/settings").status_code == 403
    assert client.post("/admin/settings", data={"core.company_name": "Hijacked"}).status_code == 403
    assert "core.company_name" not in stored()
