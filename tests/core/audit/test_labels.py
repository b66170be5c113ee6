"""What readers see of the audit trail (issue 12): every audited model names itself, and what it tracks exists."""

from __future__ import annotations

from core.audit.labels import shown_changes, tracked_fields
from core.audit.recorder import is_audited


def audited_models(db):
    return [m for m in db.Model.registry.mappers if is_audited(m.class_)
            and m.class_.__module__.startswith(("core.", "plugins."))]


def test_every_audited_model_has_a_label_and_tracks_only_its_own_columns(db):
    unnamed = [m.class_.__name__ for m in audited_models(db) if getattr(m.class_, "__label__", None) is None]
    assert not unnamed, f"declare __label__ on {unnamed} (the audit page would show a module's generic name)"
    for mapper in audited_models(db):
        missing = set(getattr(mapper.class_, "__tracked__", {})) - set(mapper.attrs.keys())
        assert not missing, f"{mapper.class_.__name__}.__tracked__ names no attribute: {missing}"


def test_values_are_shown_by_their_labels_users_by_name_and_times_in_local_time(app, db, make_user):
    manager = make_user("mgr", name="李经理")
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        changes = shown_changes([("pipeline_deal", "state", {
            "stage": ["development", "needs"], "owner_id": [None, manager.id], "version": [1, 2],
            "stage_entered_at": ["2026-03-01T02:00:00", "2026-03-02T02:00:00"], "expected_close": [None, "2026-04-30"],
            "expected_value": ["20000.00", "25000.5"]})])[0]
        shown = {c.label: (c.old, c.new) for c in changes}
    assert shown["商机阶段"] == ("客户开发", "需求挖掘")
    assert shown["负责人"] == ("—", "李经理")
    assert shown["预计金额（元）"] == ("20,000.00", "25,000.50")
    assert "2026" in shown["预计成交日期"][1] and "T" not in shown["预计成交日期"][1]
    assert len(changes) == 4  # the version and the stage's stamp are bookkeeping: not shown
    assert set(tracked_fields("pipeline_deal")) >= {"stage", "owner_id"}


def test_a_tables_tracked_fields_are_worked_out_once_and_again_when_the_model_changes_them(db, monkeypatch):
    # Every audit line of a timeline asks for them (issue 18); a model whose __tracked__ is replaced is read again.
    model = next(m.class_ for m in audited_models(db) if getattr(m.class_, "__tracked__", None))
    table = model.__table__.name
    first = tracked_fields(table)
    assert tracked_fields(table) is first
    assert set(first) == set(model.__tracked__)
    key = next(iter(model.__tracked__))
    monkeypatch.setattr(model, "__tracked__", {key: "名称"})
    assert [(f.key, f.label) for f in tracked_fields(table).values()] == [(key, "名称")]
    assert tracked_fields("no_such_table") == {}
