"""Compile every translation catalogue (.po to .mo) of the core, the built-in plugins and the examples.

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


def compile_all(root: Path = PROJECT_ROOT) -> int:
    count = 0
    for po_path in catalogue_files(root):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with open(po_path, "rb") as fh:
            catalog = read_po(fh, locale=po_path.parent.parent.name)
        with open(mo_path, "wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        count += 1
    return count


if __name__ == "__main__":
    print(f"Compiled {compile_all()} translation catalogue(s).")
