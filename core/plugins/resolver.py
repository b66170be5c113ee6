"""Dependency order: which plugins can load, in which order, and why the others cannot."""

from __future__ import annotations

import contextlib
from graphlib import CycleError, TopologicalSorter

from core.plugins.manifest import Manifest


def resolve(manifests: dict[str, Manifest]) -> tuple[list[str], dict[str, str]]:
    """Return (names in dependency order, {name: reason} for those that cannot load).

    A missing dependency or a cycle makes the plugin broken, and with it every plugin that depends on it.
    ``uses`` (soft dependencies) only order plugins that are present.
    """
    broken: dict[str, str] = {}
    for name, manifest in manifests.items():
        missing = [dep for dep in manifest.depends if dep not in manifests]
        if missing:
            broken[name] = f"depends on {', '.join(missing)}, which is not installed"

    while True:
        _propagate(manifests, broken)
        hard = {
            name: {dep for dep in m.depends if dep in manifests}
            for name, m in manifests.items()
            if name not in broken
        }
        try:
            order = list(TopologicalSorter(hard).static_order())
        except CycleError as exc:
            cycle = exc.args[1]
            for name in set(cycle):
                broken[name] = "dependency cycle: " + " → ".join(reversed(cycle))
            continue
        break

    soft = {name: deps | {u for u in manifests[name].uses if u in hard} for name, deps in hard.items()}
    # Soft dependencies only order plugins; a cycle among them leaves the hard order.
    with contextlib.suppress(CycleError):
        order = list(TopologicalSorter(soft).static_order())
    return order, broken


def _propagate(manifests: dict[str, Manifest], broken: dict[str, str]) -> None:
    """A plugin whose hard dependency is broken is broken too."""
    changed = True
    while changed:
        changed = False
        for name, manifest in manifests.items():
            if name in broken:
                continue
            bad = [dep for dep in manifest.depends if dep in broken]
            if bad:
                broken[name] = f"depends on {', '.join(bad)}, which is broken"
                changed = True
