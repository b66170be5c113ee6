"""docs/hooks.md: every hook has its records' fields and an example that a built-in plugin really implements."""

import re
from pathlib import Path

import pytest

from core import hookdocs

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("hook_name", hookdocs.hook_names())
def test_every_hook_has_an_example_from_the_plugin_it_names(hook_name):
    example = hookdocs.EXAMPLES[hook_name]
    assert f"def {hook_name}(" in example
    source = re.match(r"# (plugins/\w+)/", example)
    if source:  # "taken from a built-in plugin": that plugin still implements (or imports into hooks.py) the hook
        hooks = (ROOT / source.group(1) / "hooks.py").read_text()
        assert re.search(rf"^def {hook_name}\(|import .*\b{hook_name}\b", hooks, re.M), source.group(1)


def test_the_records_a_hook_returns_are_documented_field_by_field():
    page = hookdocs.render()
    section = page[page.index("### `menu_items`"):page.index("### `dashboard_widgets`")]
    assert "Returns `MenuItem` records" in section
    for field in ("key", "label", "endpoint", "permission", "icon", "order", "parent"):
        assert f"| `{field}` |" in section
    datasets = page[page.index("### `register_datasets`"):page.index("### `customer_purchase_stats`")]
    assert "`DatasetColumn`:" in datasets and "| `value_labels` |" in datasets


def test_the_hooks_called_for_every_object_say_what_the_plugin_must_check():
    page = hookdocs.render()
    for hook_name in ("timeline_entries", "object_url"):
        section = page[page.index(f"### `{hook_name}`"):]
        section = section[:section.index("\n### ", 5)]
        assert "for every" in section and "not yours" in section
