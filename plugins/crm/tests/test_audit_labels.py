"""What timelines and the audit page show of the CRM's records (issue 12): labels in the reader's language, values by
their labels, never field names, codes or bookkeeping fields."""

from __future__ import annotations

from core.audit.labels import shown_changes
from core.audit.recorder import is_audited


def test_every_audited_crm_model_names_itself_and_what_it_tracks(db):
    audited = [m for m in db.Model.registry.mappers
               if m.class_.__module__ == "plugins.crm.models" and is_audited(m.class_)]
    assert len(audited) >= 15
    for mapper in audited:
        model = mapper.class_
        assert getattr(model, "__label__", None) is not None, model.__name__
        tracked = getattr(model, "__tracked__", None)
        assert isinstance(tracked, dict) and tracked, f"{model.__name__} declares no __tracked__"
        assert set(tracked) <= set(mapper.attrs.keys()), model.__name__


def _shown(app, table, changes, language="zh-CN"):
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": language}):
        return {c.label: (c.old, c.new) for c in shown_changes([(table, "update", changes)])[0]}


def test_interactions_revisits_and_grade_changes_read_as_a_person_reads_them(app, db, make_user):
    rep = make_user("rep-labels", name="张三")
    shown = _shown(app, "crm_interaction", {"kind": ["call", "visit"], "user_id": [None, rep.id],
                                            "next_step_done": [False, True]})
    assert shown == {"沟通方式": ("电话", "拜访"), "下一步已完成": ("否", "是"), "记录人": ("—", "张三")}
    revisit = _shown(app, "crm_revisit", {"due_on": ["2026-03-01", "2026-03-31"], "reminded_on": [None, "2026-03-30"],
                                          "interaction_id": [None, 7]})
    assert list(revisit) == ["回访到期日"]  # the reminder's date and the interaction's id are bookkeeping
    assert "-" not in revisit["回访到期日"][1]  # a date as the reader writes it, not 2026-03-31
    grade = _shown(app, "crm_grade_change", {"source": ["auto", "override"], "new_grade": ["C", "A"]})
    assert grade["等级来源"] == ("夜间自动分级", "经理调整")
    english = _shown(app, "crm_consent", {"channels": ["email", "email,sms"]}, language="en")
    assert english == {"Consented channels": ("E-mail", "E-mail, SMS")}
    access = _shown(app, "crm_access_log", {"action": [None, "pipl_deletion"]})
    assert access == {"访问类型": ("—", "个人信息删除请求")}


def test_the_codes_display_names_follow_the_language_in_force_within_a_request(app):
    # A part of a page drawn in another language (flask_babel.force_locale: a notice in its reader's language)
    # names the codes in that language, and the rest of the request in the page's own again.
    from flask_babel import force_locale

    from plugins.crm.views.common import labels

    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert labels()["interaction"]["call"] == "Call"
        with force_locale("zh_Hans"):
            assert labels()["interaction"]["call"] == "电话"
        assert labels()["interaction"]["call"] == "Call"
