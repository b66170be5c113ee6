"""`netsales plugins new NAME`: write a pip-installable plugin laid out like the built-in ones.

The files are the templates under core/scaffold/files (``.tmpl``; ``@name@``-style markers are replaced, in paths
too; the folder ``package`` becomes the plugin's Python package). The catalogues are extracted from the written
code, filled in (Chinese from ``CHINESE`` below) and compiled, so the generated plugin passes its own tests as is.
"""

from __future__ import annotations

import keyword
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from core.paths import BUILTIN_PLUGINS_DIR

FILES = Path(__file__).resolve().parent / "files"
NAME = re.compile(r"^[a-z][a-z0-9_]{1,29}$")
RESERVED = {"core", "api", "admin", "static", "plugins", "tests"}

#: The generated plugin's strings in Chinese ({msgid: 译文}); markers are replaced as in the files.
CHINESE = {
    "@title@": "@title_zh@",
    "See @title@ items": "查看@title_zh@条目",
    "Add @title@ items": "添加@title_zh@条目",
    "Enter a title.": "请输入标题。",
    "Keep the title to %(n)d characters.": "标题不超过 %(n)d 个字符。",
    "Title": "标题",
    "You may see these items but not add them.": "您可以查看这些条目，但不能添加。",
    "Item added.": "条目已添加。",
    "Add": "添加",
    "Added": "添加时间",
    "No items yet.": "暂无条目。",
}


class ScaffoldError(ValueError):
    """A name or folder the scaffold refuses; the message says why."""


@dataclass(frozen=True)
class PluginNames:
    name: str
    title: str
    title_zh: str
    author: str
    revision: str

    @property
    def package(self) -> str:
        return f"netsales_{self.name}"

    @property
    def dist(self) -> str:
        return f"netsales-{self.name.replace('_', '-')}"

    def fill(self, text: str) -> str:
        for marker, value in (("@name@", self.name), ("@package@", self.package), ("@dist@", self.dist),
                              ("@title_zh@", self.title_zh), ("@title@", self.title), ("@author@", self.author),
                              ("@revision@", self.revision)):
            text = text.replace(marker, value)
        return text


def check_name(name: str) -> None:
    """Raise ScaffoldError unless ``name`` can be a plugin's name (table prefix, URL, permission namespace)."""
    if not NAME.match(name):
        raise ScaffoldError(f"{name!r}: use 2 to 30 lowercase letters, digits and _, starting with a letter "
                            "(it becomes the table prefix, the URL and the permission namespace).")
    if keyword.iskeyword(name) or name in RESERVED:
        raise ScaffoldError(f"{name!r} is reserved; choose another name.")
    if (BUILTIN_PLUGINS_DIR / name).is_dir():
        raise ScaffoldError(f"A built-in plugin is already called {name}; choose another name.")


def create_plugin(name: str, parent: Path, title: str | None = None, title_zh: str | None = None,
                  author: str = "Your name") -> Path:
    """Write the plugin ``name`` into ``parent``/netsales-<name>/ and return that folder."""
    check_name(name)
    default_title = name.replace("_", " ").capitalize()
    names = PluginNames(name, title or default_title, title_zh or title or default_title, author,
                        uuid.uuid4().hex[:12])
    target = parent.resolve() / names.dist
    if target.exists() and any(target.iterdir()):
        raise ScaffoldError(f"{target} exists and is not empty.")
    for template in sorted(FILES.rglob("*.tmpl")):
        relative = template.relative_to(FILES).with_suffix("")  # drop .tmpl
        parts = [names.package if i == 0 and part == "package" else names.fill(part)
                 for i, part in enumerate(relative.parts)]
        path = target.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(names.fill(template.read_text(encoding="utf-8")), encoding="utf-8")
    write_catalogues(target / names.package, names)
    return target


def write_catalogues(package_dir: Path, names: PluginNames) -> None:
    """Extract the plugin's strings into its zh_Hans and en catalogues, translate them, compile them."""
    from core.i18n_compile import compile_catalogues, plugin_catalogue_files
    from core.i18n_tools import apply, plugin_domain, update

    domain = plugin_domain(package_dir)
    update(domain)
    apply(domain, {names.fill(msgid): names.fill(text) for msgid, text in CHINESE.items()})
    compile_catalogues(plugin_catalogue_files(package_dir), force=True)
