"""Every hook of core/hookspecs.py is documented with its exact signature and delivered as specified."""

from pathlib import Path

import pytest

from core import hookdocs

# One call per hook, with the arguments a caller passes ("USER", "APP", "SESSION", "CLI" and "RNG" become the real
# objects). A new hook without an entry here fails the meta-test.
SAMPLE_CALLS = {
    "plugin_init": {"app": "APP", "plugin": "plugin"},
    "register_blueprints": {"app": "APP"},
    "register_cli_commands": {"cli": "CLI"},
    "register_permissions": {},
    "register_settings": {},
    "register_scheduled_jobs": {},
    "register_reports": {},
    "seed_data": {"session": "SESSION"},
    "demo_data": {"session": "SESSION", "rng": "RNG"},
    "permission_check": {"user": "USER", "permission": "crm.customer.view", "obj": None},
    "menu_items": {"user": "USER"},
    "dashboard_widgets": {"user": "USER"},
    "template_slot": {"slot": "user.detail.sidebar", "user": "USER", "ctx": {"record": 1}},
    "user_profile_sections": {"user": "USER"},
    "register_kpis": {},
    "register_datasets": {},
    "customer_purchase_stats": {"customer_ids": [1, 2], "since": "2026-01-01"},
    "customer_evaluations": {"user_ids": [1, 2], "period": "2026-11"},
    "global_search": {"query": "王", "user": "USER", "limit": 5},
    "object_url": {"obj": "obj"},
    "timeline_entries": {"obj": "obj", "user": "USER"},
    "record_smart_buttons": {"obj": "obj", "user": "USER"},
    "register_lookups": {},
    "compliance_checks": {},
    "employee_hired": {"user": "USER"},
    "customer_created": {"customer": "customer"},
    "customer_grade_changed": {"customer": "customer", "old_grade": "B", "new_grade": "A"},
    "deal_stage_changed": {"deal": "deal", "old_stage": "needs", "new_stage": "quotation", "user": "USER"},
    "deal_won": {"deal": "deal", "user": "USER"},
    "order_confirmed": {"order": "order"},
    "order_status_changed": {"order": "order", "old_status": "confirmed", "new_status": "shipped"},
    "appraisal_finalized": {"appraisal": "appraisal"},
    "expense_claim_paid": {"claim": "claim"},
}

DOCS = Path(__file__).resolve().parents[2] / "docs" / "hooks.md"


def test_every_hook_has_a_delivery_case_here():
    assert set(SAMPLE_CALLS) == set(hookdocs.hook_names())


def test_docs_hooks_md_is_generated_from_the_hookspecs():
    assert DOCS.read_text() == hookdocs.render(), "run: python -m core.hookdocs > docs/hooks.md"


@pytest.mark.parametrize("hook_name", hookdocs.hook_names())
def test_every_hook_is_documented_with_its_exact_signature(hook_name):
    assert f"```python\n{hookdocs.signature_of(hook_name)}\n```" in DOCS.read_text()


@pytest.mark.parametrize("hook_name", sorted(SAMPLE_CALLS))
def test_each_hook_reaches_an_enabled_plugin_with_its_arguments_and_skips_a_disabled_one(
    hook_name, make_app, temp_plugin
):
    arguments = ", ".join(SAMPLE_CALLS[hook_name])
    temp_plugin(
        "recorder",
        hooks=f"calls = []\n\n@hookimpl\ndef {hook_name}({arguments}):\n    calls.append(dict(locals()))\n",
    )
    app = make_app()
    from core.setup import disable_plugins, enable_plugins

    with app.app_context():
        from random import Random

        from core.cli import cli
        from core.extensions import db
        from core.testing.plugin import make_user_now

        real = {"USER": make_user_now("hook-user"), "APP": app, "SESSION": db.session, "CLI": cli,
                "RNG": Random(1)}
        kwargs = {k: real.get(v, v) if isinstance(v, str) else v for k, v in SAMPLE_CALLS[hook_name].items()}
        engine = app.extensions["netsales"]
        recorder = engine.plugins["recorder"].hooks
        enable_plugins(app, "recorder")
        recorder.calls.clear()  # seed_data already ran once on enabling
        engine.call(hook_name, **kwargs)
        assert recorder.calls == [kwargs]
        disable_plugins(app, "recorder")
        engine.call(hook_name, **kwargs)
        assert recorder.calls == [kwargs]


def test_a_hook_called_with_wrong_arguments_is_a_programming_error(app):
    with pytest.raises(TypeError, match="menu_items takes"):
        app.extensions["netsales"].call("menu_items", person="x")
