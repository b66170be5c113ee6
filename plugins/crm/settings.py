"""The CRM's settings (shown on the core settings page) and how the CRM reads them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from core.contracts import SettingDef

DEFINITIONS: tuple[SettingDef, ...] = (
    SettingDef("crm.stale_days", _l("Days without update before a customer is on the clean-up list (R5.1.2)"),
               "int", 90),
    SettingDef("crm.complete_threshold", _l("Completeness (%) from which a customer file counts as complete"),
               "int", 80),
    # Grading, R5.2.1: score = weighted share of frequency, amount and potential value, 0..100.
    SettingDef("crm.grade_window_days", _l("Days of purchases counted for grading"), "int", 365),
    SettingDef("crm.grade_weight_frequency", _l("Grading weight of purchase frequency"), "int", 40),
    SettingDef("crm.grade_weight_amount", _l("Grading weight of purchase amount"), "int", 40),
    SettingDef("crm.grade_weight_potential", _l("Grading weight of potential value"), "int", 20),
    SettingDef("crm.grade_full_orders", _l("Orders in the window that earn the full frequency score"), "int", 12),
    SettingDef("crm.grade_full_amount", _l("Amount (CNY) in the window that earns the full amount score"),
               "decimal", Decimal("100000")),
    SettingDef("crm.grade_full_potential", _l("Potential value (CNY) that earns the full potential score"),
               "decimal", Decimal("200000")),
    SettingDef("crm.grade_a_threshold", _l("Score from which a customer is grade A"), "int", 60),
    SettingDef("crm.grade_b_threshold", _l("Score from which a customer is grade B"), "int", 25),
    SettingDef("crm.survey_days", _l("Days a satisfaction survey link stays valid"), "int", 14),
    # SMS gateway, R5.3.2: Chinese providers take a URL with the account, key, number and text in it.
    SettingDef("crm.sms_url", _l("SMS gateway URL template"), "str", "",
               help=_l("Placeholders: {user} {secret} {phone} {text}, e.g. "
                       "https://sms.example.cn/send?u={user}&k={secret}&m={phone}&c={text}")),
    SettingDef("crm.sms_method", _l("SMS gateway HTTP method"), "choice", "GET",
               choices=(("GET", "GET"), ("POST", "POST"))),
    SettingDef("crm.sms_user", _l("SMS gateway account"), "str", ""),
    SettingDef("crm.sms_secret", _l("SMS gateway key"), "str", ""),
    SettingDef("crm.sms_success_text", _l("Text in the gateway's answer that means success (empty: any 2xx)"),
               "str", ""),
)
_BY_KEY = {d.key: d for d in DEFINITIONS}


def _convert(definition: SettingDef, raw: Any) -> Any:
    if raw is None or raw == "":
        return definition.default
    if definition.type == "int":
        return int(raw)
    if definition.type == "decimal":
        return Decimal(str(raw))
    return raw


def value(key: str) -> Any:
    """A setting's value, typed: the core settings service's, or the declared default without that service."""
    definition = _BY_KEY[key]
    try:
        from core.settings import get_setting
    except ImportError:  # a core without the settings service: the defaults apply
        return definition.default
    try:
        return _convert(definition, get_setting(key))
    except KeyError:  # not registered (the plugin is being enabled in this very request)
        return definition.default
