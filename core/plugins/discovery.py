"""Finding plugins: folders under plugins/, extra plugin folders, and the entry-point group netsales.plugins."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from core.paths import BUILTIN_PLUGINS_DIR

ENTRY_POINT_GROUP = "netsales.plugins"


@dataclass
class Candidate:
    """A plugin found on disk, before its manifest is read."""

    module_name: str
    package_dir: Path | None
    source: str  # "builtin", "entry point", "path"
    error: str | None = None


def _folder_candidates(folder: Path, package_prefix: str, source: str) -> list[Candidate]:
    if not folder.is_dir():
        return []
    return [
        Candidate(f"{package_prefix}{child.name}", child, source)
        for child in sorted(folder.iterdir())
        if (child / "plugin.toml").is_file() and (child / "__init__.py").is_file()
    ]


def _entry_point_candidates() -> list[Candidate]:
    found = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        module_name = ep.value.split(":")[0].strip()
        try:
            # find_spec locates the package without running its code (it imports parent packages only).
            spec = importlib.util.find_spec(module_name)
        except (ImportError, ValueError) as exc:
            found.append(Candidate(module_name, None, "entry point", f"cannot locate {module_name}: {exc}"))
            continue
        if spec is None or not spec.submodule_search_locations:
            found.append(Candidate(module_name, None, "entry point", f"entry point {ep.name} names no package"))
            continue
        found.append(Candidate(module_name, Path(next(iter(spec.submodule_search_locations))), "entry point"))
    return found


@dataclass(frozen=True)
class Announcement:
    """An entry point of the group as installed now: the plugin's name (by convention), package and distribution."""

    name: str
    module_name: str
    distribution: str


def announcements() -> list[Announcement]:
    """Every ``netsales.plugins`` entry point installed now, read afresh from the installed distributions (so a
    ``pip install`` made after start shows), without importing anything."""
    importlib.invalidate_caches()
    found = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist
        label = f"{dist.metadata['Name']} {dist.version}" if dist is not None else ""
        found.append(Announcement(ep.name, ep.value.split(":")[0].strip(), label))
    return sorted(found, key=lambda a: a.name)


def discover(extra_paths: list[str] | tuple[str, ...] = ()) -> list[Candidate]:
    """Every plugin package found, each module once (a built-in also announced by entry point counts once)."""
    candidates = _folder_candidates(BUILTIN_PLUGINS_DIR, "plugins.", "builtin")
    for folder in extra_paths:
        path = Path(folder).resolve()
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
        candidates += _folder_candidates(path, "", "path")
    candidates += _entry_point_candidates()
    unique: dict[str, Candidate] = {}
    for candidate in candidates:
        unique.setdefault(candidate.module_name, candidate)
    return list(unique.values())
