"""Locale and time-zone choice for each request, and which module's catalogue translates a string.

Every module ships its own catalogue, and two modules may translate one English msgid differently ("Name" is 姓名
for a person in recruitment and 名称 for a product in the pipeline). Flask-Babel merges all catalogues into one, where
the last one loaded wins. So a string asked for by a module's own code or template is looked up in that module's
catalogue first, and in the merged one only when the module does not have it (issue 12)."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import flask_babel
from babel import support
from flask import current_app, g, has_request_context, request, session
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

LOCALE_SESSION_KEY = "locale"


def gettext_noop(text: str) -> str:
    """Mark ``text`` for the catalogue without translating it here (the extractor knows this name): for words that
    code translates later, e.g. once per request."""
    return text


class FixedWords:
    """Words a page draws on every request, translated once per locale and process (issue 18: a template's ``_()``
    is a catalogue look-up and a walk up the call stack each time). Declare them where your module's code is::

        BOARD_WORDS = FixedWords(gettext_noop("Deal board"), gettext_noop("Move"))

    and read ``BOARD_WORDS()["Move"]`` (in a template through a context processor or global): the translations in
    the declaring module's catalogue first, as its templates get them, trusted as a template's ``_()`` is. In a
    template, words with arguments keep ``_()`` (which reads "%%" as "%"); Python fills them in with ``%``."""

    def __init__(self, *words: str) -> None:
        self.words = words
        self._made_in = sys._getframe(1).f_code.co_filename
        self._kept: dict[str, dict[str, Any]] = {}

    def __call__(self) -> dict[str, Any]:
        from markupsafe import Markup

        if not has_request_context():  # no locale of a request to keep them for
            return {word: Markup(flask_babel.gettext(word)) for word in self.words}
        locale = str(flask_babel.get_locale())
        known = self._kept.get(locale)
        if known is None:
            translations = module_translations(module_of_file(self._made_in))
            known = self._kept[locale] = {word: Markup(translations.ugettext(word)) for word in self.words}
        return known


def select_locale() -> str:
    """The user's saved choice, else this browser's earlier choice, else the browser's languages, else Chinese."""
    locales = current_app.config["LOCALES"]
    if not has_request_context():
        return current_app.config["DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in locales:
        return current_user.locale
    if session.get(LOCALE_SESSION_KEY) in locales:
        return session[LOCALE_SESSION_KEY]
    return _browser_locale(request.headers.get("Accept-Language", "")) or current_app.config["DEFAULT_LOCALE"]


#: Browsers say zh-CN; our catalogue is zh_Hans.
_OFFERED = {"zh": "zh_Hans", "zh_CN": "zh_Hans", "zh_Hans": "zh_Hans", "en": "en"}


@lru_cache(maxsize=256)
def _browser_locale(header: str) -> str | None:
    """Our locale for a browser's Accept-Language header, None when it names none of ours. Kept per header: a
    browser sends the same one with every request, and parsing it cost about a tenth of a millisecond each time."""
    best = parse_accept_header(header, LanguageAccept).best_match(["zh-CN", "zh", "en"])
    return _OFFERED.get(best.replace("-", "_")) if best else None


def select_timezone() -> str:
    """The company time zone from the settings page, else the configuration (also when the database is down)."""
    try:
        from core.settings import get_setting

        return get_setting("core.timezone") or current_app.config["TIMEZONE"]
    except Exception:  # no database, no settings table yet: the configured zone still formats times
        return current_app.config["TIMEZONE"]


def source_text(text: Any) -> str:
    """The untranslated (English) text of a lazy string: what is stored, so that display can translate it."""
    if isinstance(text, LazyString):
        return str(text._args[0]) if text._args else str(text)
    return str(text)


#: Lazy strings whose translation may be kept: the catalogues are loaded once per process and never change.
_CACHEABLE = (flask_babel.gettext,)
MAX_CACHED_LABELS = 4096


def label_text(text: Any) -> str:
    """``str(text)`` in the request's locale, for labels drawn on every page or row (the menu, positions): the
    translation of a ``lazy_gettext`` string is kept per app and locale, instead of a catalogue look-up each time.
    Keyed by the locale in force (flask_babel.force_locale included); outside a request, plain ``str(text)``."""
    if not isinstance(text, LazyString) or text._func not in _CACHEABLE or not has_request_context():
        return str(text)
    try:
        key = (str(flask_babel.get_locale()), getattr(text, "_made_in", None), text._args,
               tuple(sorted(text._kwargs.items())))
        hash(key)
    except TypeError:  # a variable that cannot be a key
        return str(text)
    cache: dict[Any, str] = current_app.extensions["netsales"].memo("i18n.labels", None, dict)
    found = cache.get(key)
    if found is None:
        if len(cache) >= MAX_CACHED_LABELS:
            cache.clear()
        found = cache[key] = str(text)
    return found


def _merged_translations() -> Any:
    """All catalogues merged, as flask_babel loads them (not through ModuleDomain, which calls this)."""
    return flask_babel.Domain.get_translations(flask_babel.get_domain())


def request_translations() -> Any:
    """The merged catalogues, kept on the request's Babel context for its locale: templates call ``_()``
    dozens of times per page, and each flask_babel look-up re-derives the locale's name. A forced locale
    (flask_babel.force_locale, e.g. for an e-mail) is another Locale object, so it gets its own translations."""
    context = g.get("_flask_babel")
    locale = getattr(context, "babel_locale", None)
    if locale is None:
        return _merged_translations()
    known = getattr(context, "netsales_translations", None)
    if known is not None and known[0] is locale:
        return known[1]
    translations = _merged_translations()
    context.netsales_translations = (locale, translations)
    return translations


# ------------------------------------------------------------------------------------ each module's catalogue

_DOMAINS_KEY = "netsales_i18n"


def install_module_catalogues(app: Any, catalogue_dirs: dict[str, Path]) -> None:
    """Remember each module's translations folder (``{"pipeline": Path(...)}``), and make flask_babel's gettext
    (Python code, lazy strings) look in the asking module's catalogue first. Call after ``babel.init_app``."""
    app.extensions[_DOMAINS_KEY] = {
        "dirs": dict(catalogue_dirs),
        # The folders whose code counts as the module's: its package and its templates (a path prefix each).
        "roots": sorted(((str(path.parent) + "/", name) for name, path in catalogue_dirs.items()),
                        key=lambda root: -len(root[0])),
        "files": {},  # code file name -> module name ("" for core or a library)
        "translations": {},  # (locale, module) -> Translations falling back to the merged catalogue
    }
    babel = app.extensions["babel"].instance
    if not isinstance(babel.__dict__.get("domain_instance"), ModuleDomain):
        babel.domain_instance = ModuleDomain(domain=app.extensions["babel"].default_domain)


def module_translations(module: str | None) -> Any:
    """The request's translations with ``module``'s own catalogue in front (just the merged ones for None)."""
    merged = request_translations()
    state = current_app.extensions.get(_DOMAINS_KEY)
    if not module or state is None or module not in state["dirs"]:
        return merged
    locale = flask_babel.get_locale()
    key = (str(locale), module)
    found = state["translations"].get(key)
    if found is None or found[0] is not merged:
        own = support.Translations.load(str(state["dirs"][module]), [locale], "messages")
        own.add_fallback(merged)
        found = state["translations"][key] = (merged, own)
    return found[1]


#: Frames of these libraries are passed over when looking for the code that asked for a translation.
_PASS_OVER = ("flask_babel", "babel", "jinja2", "markupsafe", "wtforms", "speaklater")


def module_of_file(filename: str) -> str | None:
    """The module whose code or templates ``filename`` is, or None (the core's, a library's)."""
    state = current_app.extensions.get(_DOMAINS_KEY)
    if state is None:
        return None
    owner = state["files"].get(filename)
    if owner is None:
        owner = state["files"][filename] = _owner_of(filename, state["roots"])
    return owner if owner in state["dirs"] else None


def asking_module() -> str | None:
    """The module whose code or template is drawing now (the caller's caller on up), as a lazy string evaluated
    here would find it: for caching a module's translations in code that core templates and drawing code call."""
    return _asking_module()


def _asking_module() -> str | None:
    """The module whose code asked for the translation being looked up, found on the call stack.

    A module's Python code or template decides. Core *templates* (the form and list macros) are passed over, since
    they draw labels that the module's page handed them; core *Python* code stops the search (its own strings)."""
    state = current_app.extensions.get(_DOMAINS_KEY)
    if state is None:
        return None
    files = state["files"]
    frame = sys._getframe(2)
    depth = 0
    while frame is not None and depth < 40:
        filename = frame.f_code.co_filename
        owner = files.get(filename)
        if owner is None:
            owner = files[filename] = _owner_of(filename, state["roots"])
        if owner == "core":
            return None
        if owner not in ("", "template"):
            return owner
        frame = frame.f_back
        depth += 1
    return None


#: Core Python passed over like a core template: the list drawing that the macros of templates/macros/lists.html
#: did before it moved into Python (issue 18), so a module's lazy labels (a filter's "From", a group's "State")
#: are still looked up in that module's catalogue first; and the lazy strings' own code (core/i18n_lazy.py).
_DRAWING_FILES = ("web/list_cells.py", "web/listing.py", "i18n_lazy.py")


def _owner_of(filename: str, roots: list[tuple[str, str]]) -> str:
    """A module's name, "core" for core Python code, "template" for a core template or core drawing code, "" for
    anything else."""
    for prefix, name in roots:
        if filename.startswith(prefix):
            return name
    if filename.endswith((".html", ".txt", ".xml")) or "/templates/" in filename:
        return "template"
    core_folder = f"{Path(__file__).resolve().parent}/"
    if filename.startswith(core_folder) and filename[len(core_folder):] in _DRAWING_FILES:
        return "template"
    if any(f"/{library}/" in filename or f"/{library}." in filename for library in _PASS_OVER):
        return ""
    if core_folder in filename:
        return "core"
    return ""


class ModuleDomain(flask_babel.Domain):
    """flask_babel's domain, looking in the asking module's catalogue first (see the module docstring)."""

    def get_translations(self) -> Any:
        if not g:  # outside an application context: flask_babel answers with no translations
            return super().get_translations()
        return module_translations(_asking_module())


def _template_module(context: Any) -> str | None:
    """The module a template belongs to: the first part of its name ("pipeline/deal.html")."""
    name = getattr(context, "name", None) or ""
    module = name.split("/", 1)[0] if "/" in name else ""
    state = current_app.extensions.get(_DOMAINS_KEY)
    return module if state is not None and module in state["dirs"] else None


def install_template_gettext(app: Any) -> None:
    """Templates' ``_``, ``ngettext``, ... through the template's module's catalogue, then the merged ones."""

    @pass_context
    def gettext(context: Any, s: str) -> str:
        return module_translations(_template_module(context)).ugettext(s)

    @pass_context
    def ngettext(context: Any, s: str, p: str, n: int) -> str:
        return module_translations(_template_module(context)).ungettext(s, p, n)

    @pass_context
    def pgettext(context: Any, c: str, s: str) -> str:
        return module_translations(_template_module(context)).upgettext(c, s)

    @pass_context
    def npgettext(context: Any, c: str, s: str, p: str, n: int) -> str:
        return module_translations(_template_module(context)).unpgettext(c, s, p, n)

    app.jinja_env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True,
                                            pgettext=pgettext, npgettext=npgettext)
