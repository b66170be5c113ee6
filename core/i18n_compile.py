"""Compile translation catalogues (.po to .mo): the core's, the built-in plugins' and the examples', or one
third-party plugin's (`netsales i18n compile PATH`, which calls compile_catalogues).

Run by `make run` and `make test`; the .mo files are build output and are not committed.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from core.paths import PROJECT_ROOT


def catalogue_files(root: Path = PROJECT_ROOT) -> list[Path]:
    patterns = ["core/translations/*/LC_MESSAGES/*.po", "plugins/*/translations/*/LC_MESSAGES/*.po",
                "examples/*/*/translations/*/LC_MESSAGES/*.po"]
    return sorted(p for pattern in patterns for p in root.glob(pattern))


def plugin_catalogue_files(path: Path) -> list[Path]:
    """The catalogues of the plugin at ``path``: its package folder (with plugin.toml), or the project folder
    around it (with pyproject.toml; every package in it that has translations/)."""
    path = path.resolve()
    patterns = (["translations/*/LC_MESSAGES/*.po"] if (path / "translations").is_dir()
                else ["*/translations/*/LC_MESSAGES/*.po"])
    return sorted(p for pattern in patterns for p in path.glob(pattern))


def compile_catalogues(po_paths: list[Path], force: bool = False) -> int:
    """Write each catalogue's .mo beside it (unless it is newer than the .po); returns how many were written."""
    count = 0
    for po_path in po_paths:
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with open(po_path, "rb") as fh:
            catalog = read_po(fh, locale=po_path.parent.parent.name)
        # Fuzzy entries are left out (their translation is a guess); a fuzzy header does not matter here, but
        # `pybabel compile` skips such a catalogue entirely, so core.i18n_tools check refuses it.
        with open(mo_path, "wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        count += 1
    return count


def compile_all(root: Path = PROJECT_ROOT) -> int:
    return compile_catalogues(catalogue_files(root))


if __name__ == "__main__":
    print(f"Compiled {compile_all()} translation catalogue(s).")
