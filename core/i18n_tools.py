"""Translation catalogues: extract the strings of the core or a plugin, update its catalogues, check them.

    python -m core.i18n_tools update            # core: core/ and templates/ -> core/translations
    python -m core.i18n_tools update plugins/crm
    python -m core.i18n_tools check [dir]        # exit 1 if a catalogue is missing, stale, untranslated, fuzzy
                                                 # (an entry or the header) or not compiled to a current .mo
    python -m core.i18n_tools todo [dir]         # the Chinese entries still to translate, as JSON
    python -m core.i18n_tools apply file.json [dir]   # fill Chinese entries from {"msgid": "译文"}

English catalogues fill each entry with its source text (the source language is English); Chinese entries are
translated by hand in the .po files.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from core.paths import PROJECT_ROOT

LOCALES = ("zh_Hans", "en")
METHODS = [("**/tests/**", "ignore"), ("**/migrations/**", "ignore"), ("**.py", "python"),
           ("**/templates/**.html", "jinja2.ext:babel_extract")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2), "gettext_noop": None}
JINJA_OPTIONS = {"extensions": "jinja2.ext.do"}


@dataclass(frozen=True)
class Domain:
    """Sources and catalogues of one translation domain: the core, or one plugin."""

    name: str
    sources: tuple[Path, ...]
    translations: Path


def core_domain() -> Domain:
    return Domain("core", (PROJECT_ROOT / "core", PROJECT_ROOT / "templates"), PROJECT_ROOT / "core" / "translations")


def plugin_domain(package_dir: Path) -> Domain:
    return Domain(package_dir.name, (package_dir,), package_dir / "translations")


def all_domains() -> list[Domain]:
    domains = [core_domain()]
    for pattern in ("plugins/*/plugin.toml", "examples/*/*/plugin.toml"):
        domains += [plugin_domain(p.parent) for p in sorted(PROJECT_ROOT.glob(pattern))]
    return domains


def extract(domain: Domain) -> Catalog:
    template = Catalog(project="NetSales", charset="utf-8")
    for source in domain.sources:
        methods = [("**.html", "jinja2.ext:babel_extract")] if source.name == "templates" else METHODS
        for filename, lineno, message, comments, context in extract_from_dir(
            source, methods, keywords=KEYWORDS, comment_tags=("NOTE:",),
            options_map={"**.html": JINJA_OPTIONS, "**/templates/**.html": JINJA_OPTIONS},
        ):
            template.add(message, None, [(str(source.name + "/" + filename), lineno)],
                         auto_comments=comments, context=context)
    return template


def catalogue_path(domain: Domain, locale: str) -> Path:
    return domain.translations / locale / "LC_MESSAGES" / "messages.po"


def load(path: Path, locale: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=locale, project="NetSales", charset="utf-8")
    with open(path, "rb") as fh:
        return read_po(fh, locale=locale)


def update(domain: Domain) -> None:
    template = extract(domain)
    for locale in LOCALES:
        path = catalogue_path(domain, locale)
        catalog = load(path, locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        # pybabel init marks a new catalogue's header fuzzy, and `pybabel compile` then skips the whole catalogue.
        catalog.fuzzy = False
        if locale == "en":
            for message in catalog:
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.id and not all(strings):
                    message.string = message.id  # the source text; a tuple (singular, plural) for plurals
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            write_po(fh, catalog, width=120, omit_header=False, sort_output=True)


def problems(domain: Domain) -> list[str]:
    """What is wrong with a domain's catalogues: missing, stale (source strings not in it), untranslated, fuzzy
    (an entry, or the header: `pybabel compile` skips such a catalogue), not compiled (no .mo, or one older than
    the .po: `netsales i18n compile` or `python -m core.i18n_compile`)."""
    template = extract(domain)
    found = []
    for locale in LOCALES:
        path = catalogue_path(domain, locale)
        if not template and not path.exists():
            continue
        if not path.exists():
            found.append(f"{path}: missing ({len(template)} strings to translate)")
            continue
        catalog = load(path, locale)
        if catalog.fuzzy:
            found.append(f"{path}: the header is marked '#, fuzzy' (delete that line above msgid \"\")")
        compiled = path.with_suffix(".mo")
        if not compiled.exists():
            found.append(f"{compiled}: not compiled (run: netsales i18n compile {domain.translations.parent})")
        elif compiled.stat().st_mtime < path.stat().st_mtime:
            found.append(f"{compiled}: older than the .po (run: netsales i18n compile {domain.translations.parent})")
        for message in template:
            if message.id and catalog.get(message.id, context=message.context) is None:
                found.append(f"{path}: not extracted yet: {message.id!r}")
        for message in catalog:
            if not message.id:
                continue
            if message.fuzzy:
                found.append(f"{path}: fuzzy: {message.id!r}")
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                found.append(f"{path}: untranslated: {message.id!r}")
    return found


def untranslated(domain: Domain, locale: str = "zh_Hans") -> list[str]:
    return [m.id for m in load(catalogue_path(domain, locale), locale) if m.id and not m.string]


def apply(domain: Domain, translations: dict[str, str], locale: str = "zh_Hans") -> int:
    path = catalogue_path(domain, locale)
    catalog = load(path, locale)
    applied = 0
    for message in catalog:
        if isinstance(message.id, str) and message.id in translations:
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
            applied += 1
    with open(path, "wb") as fh:
        write_po(fh, catalog, width=120, sort_output=True)
    return applied


def main(argv: list[str]) -> int:
    command, *targets = argv or ["check"]
    if command in ("-h", "--help", "help") or "-h" in targets or "--help" in targets:
        print(__doc__)
        return 0
    if command == "apply":
        if not targets:
            print("apply needs a JSON file of {\"msgid\": \"译文\"}: python -m core.i18n_tools apply file.json [dir]")
            return 2
        import json

        source = Path(targets.pop(0))
        if not source.is_file():
            print(f"No such file: {source}")
            return 2
        mapping = json.loads(source.read_text(encoding="utf-8"))
        domains = [plugin_domain(Path(t).resolve()) for t in targets] if targets else [core_domain()]
        print(f"Applied {sum(apply(d, mapping) for d in domains)} translations.")
        return 0
    domains = [plugin_domain(Path(t).resolve()) for t in targets] if targets else all_domains()
    if command == "update":
        for domain in domains:
            update(domain)
        return 0
    if command == "todo":
        import json

        print(json.dumps({d.name: untranslated(d) for d in domains}, ensure_ascii=False, indent=1))
        return 0
    if command == "check":
        found = [p for d in domains for p in problems(d)]
        print("\n".join(found) or "All catalogues complete.")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
