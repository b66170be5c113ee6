"""plugin.toml: what a plugin is, read with tomllib without importing the plugin."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
CLAUSE_PATTERN = re.compile(r"^R\d+(\.\d+|\.x)*$")
RESERVED_NAMES = {"core", "api", "admin", "static", "auth"}


class ManifestError(ValueError):
    """plugin.toml is missing, unreadable or invalid."""


@dataclass(frozen=True)
class Manifest:
    name: str
    version: str
    core_api: str
    title: dict[str, str]
    summary: dict[str, str]
    author: str = ""
    license: str = ""
    depends: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()
    auto_enable: bool = False
    clauses: tuple[str, ...] = ()

    def title_for(self, locale: str) -> str:
        return _localised(self.title, locale) or self.name

    def summary_for(self, locale: str) -> str:
        return _localised(self.summary, locale)

    def supports_core(self, core_api: str) -> bool:
        return Version(core_api) in SpecifierSet(self.core_api)


def _localised(texts: dict[str, str], locale: str) -> str:
    language = locale.split("_")[0]
    for key in (locale, language, "en"):
        if key in texts:
            return texts[key]
    return next(iter(texts.values()), "")


def _text_table(data: dict, key: str, required: bool) -> dict[str, str]:
    value = data.get(key)
    if value is None:
        if required:
            raise ManifestError(f"'{key}' is required")
        return {}
    if isinstance(value, str):
        return {"en": value}
    if isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
        return dict(value)
    raise ManifestError(f"'{key}' must be a string or a table of locale = text")


def _string_list(data: dict, key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ManifestError(f"'{key}' must be a list of strings")
    return tuple(value)


def parse_manifest(data: dict) -> Manifest:
    name = data.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.match(name) or name in RESERVED_NAMES:
        raise ManifestError(
            f"'name' must be 2-31 lower-case letters, digits or underscores, not a reserved word; got {name!r}"
        )
    version = data.get("version")
    try:
        Version(str(version))
    except InvalidVersion as exc:
        raise ManifestError(f"'version' is not a version number: {version!r}") from exc
    core_api = data.get("core_api")
    try:
        SpecifierSet(str(core_api))
    except InvalidSpecifier as exc:
        raise ManifestError(f"'core_api' must be a version range such as '>=1.0,<2': {core_api!r}") from exc
    if not core_api:
        raise ManifestError("'core_api' is required, e.g. core_api = '>=1.0,<2'")
    clauses = _string_list(data, "clauses")
    bad = [c for c in clauses if not CLAUSE_PATTERN.match(c)]
    if bad:
        raise ManifestError(f"'clauses' must be clause IDs like R5.2.1; not: {', '.join(bad)}")
    depends = _string_list(data, "depends")
    if name in depends:
        raise ManifestError("a plugin cannot depend on itself")
    return Manifest(
        name=name,
        version=str(version),
        core_api=str(core_api),
        title=_text_table(data, "title", required=True),
        summary=_text_table(data, "summary", required=False),
        author=str(data.get("author", "")),
        license=str(data.get("license", "")),
        depends=depends,
        uses=_string_list(data, "uses"),
        auto_enable=bool(data.get("auto_enable", False)),
        clauses=clauses,
    )


def read_manifest(package_dir: Path) -> Manifest:
    path = package_dir / "plugin.toml"
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ManifestError(f"no plugin.toml in {package_dir}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"plugin.toml is not valid TOML: {exc}") from exc
    return parse_manifest(data)
