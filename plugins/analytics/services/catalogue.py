"""The data sets other plugins offer through ``register_datasets``, as the reader may see them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app

from core.contracts import DatasetColumn, DatasetDef
from core.security import can


def all_datasets() -> list[DatasetDef]:
    """Every data set of an enabled plugin, sorted by key (a third party's appears here with no change)."""
    engine = current_app.extensions["netsales"]
    found = {d.key: d for d in engine.collect("register_datasets", DatasetDef)}
    return [found[key] for key in sorted(found)]


def readable_datasets(user: Any) -> list[DatasetDef]:
    return [d for d in all_datasets() if can(user, d.permission)]


def find_dataset(key: str, user: Any) -> DatasetDef | None:
    """The data set ``key`` if its plugin is enabled and ``user`` may read it; None otherwise."""
    for dataset in readable_datasets(user):
        if dataset.key == key:
            return dataset
    return None


def column(dataset: DatasetDef, key: str) -> DatasetColumn | None:
    return next((c for c in dataset.columns if c.key == key), None)


def value_labels(col: DatasetColumn) -> dict[str, str]:
    """The column's code → label map in the current language (empty when its values are shown as stored)."""
    labels = col.value_labels
    if labels is None:
        return {}
    if callable(labels):
        labels = labels()
    pairs = labels.items() if isinstance(labels, Mapping) else labels
    return {str(code): str(label) for code, label in pairs}
