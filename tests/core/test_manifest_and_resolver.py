"""Manifests and dependency order (issue 2 §3)."""

import pytest

from core.plugins.manifest import ManifestError, parse_manifest
from core.plugins.resolver import resolve

BASE = {"name": "crm", "version": "1.0.0", "core_api": ">=1.0,<2", "title": "CRM"}


def manifest(**fields):
    return parse_manifest({**BASE, **fields})


def test_a_complete_manifest_is_read_with_localised_titles():
    m = manifest(title={"en": "Customers", "zh_Hans": "客户管理"}, clauses=["R5.2.1", "R11"], depends=["x"])
    assert m.title_for("zh_Hans") == "客户管理"
    assert m.title_for("en") == "Customers"
    assert m.clauses == ("R5.2.1", "R11")
    assert m.supports_core("1.0") and not m.supports_core("2.0")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "CRM!"}, "name"),
        ({"name": "core"}, "reserved"),
        ({"version": "one"}, "version"),
        ({"core_api": "about one"}, "core_api"),
        ({"title": None}, "title"),
        ({"clauses": ["5.2.1"]}, "clause IDs"),
        ({"depends": "pipeline"}, "list of strings"),
        ({"depends": ["crm"]}, "itself"),
    ],
)
def test_invalid_manifests_are_refused_with_the_reason(fields, message):
    data = {**BASE, **fields}
    if fields.get("title", 1) is None:
        del data["title"]
    with pytest.raises(ManifestError, match=message):
        parse_manifest(data)


def test_dependencies_come_first():
    order, broken = resolve({
        "pipeline": manifest(name="pipeline", depends=["crm"]),
        "crm": manifest(),
        "analytics": manifest(name="analytics", depends=["pipeline"], uses=["crm"]),
    })
    assert broken == {}
    assert order.index("crm") < order.index("pipeline") < order.index("analytics")


def test_missing_dependency_breaks_the_plugin_and_its_dependents():
    order, broken = resolve({
        "pipeline": manifest(name="pipeline", depends=["crm"]),
        "analytics": manifest(name="analytics", depends=["pipeline"]),
        "hr": manifest(name="hr"),
    })
    assert order == ["hr"]
    assert broken["pipeline"] == "depends on crm, which is not installed"
    assert broken["analytics"] == "depends on pipeline, which is broken"


def test_a_cycle_breaks_its_members_and_dependents_with_the_cycle_named():
    manifests = {"aa": manifest(name="aa", depends=["bb"]), "bb": manifest(name="bb", depends=["aa"]),
                 "cc": manifest(name="cc", depends=["aa"]), "dd": manifest(name="dd")}
    order, broken = resolve(manifests)
    assert order == ["dd"]
    assert "dependency cycle" in broken["aa"] and "aa" in broken["aa"] and "bb" in broken["aa"]
    assert broken["cc"] == "depends on aa, which is broken"


def test_soft_dependency_cycles_do_not_break_anything():
    order, broken = resolve({"aa": manifest(name="aa", uses=["bb"]), "bb": manifest(name="bb", uses=["aa"])})
    assert broken == {} and sorted(order) == ["aa", "bb"]
