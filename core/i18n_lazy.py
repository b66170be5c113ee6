"""A module's lazy labels are translated in that module's words, wherever they are drawn.

core/i18n.py finds the module asking for a translation on the call stack. For a lazy label (``_l("Method")``)
that is where it is *drawn*, and core Python draws many modules' labels: the audit history (a record's
``__tracked__`` labels), the analytics datasets' columns, the menu. There the search stops at core code and the
merged catalogue answers, where two modules may disagree: analytics' "Method" of a market activity (方法) came out as
the expenses' payment method (付款方式).

So ``flask_babel.lazy_gettext`` is replaced, before any module is imported, by one that notes the file that made
the label. When that file is a module's, the label is translated in that module's catalogue first; otherwise (the
core's own labels, a test's) as before. The label is still a flask_babel LazyString of ``gettext`` with the msgid
as its one argument, so code that reads its source text keeps working.
"""

from __future__ import annotations

import sys
from typing import Any

import flask_babel
from flask import has_app_context
from flask_babel.speaklater import LazyString


class ModuleLazyString(LazyString):
    """``lazy_gettext(text)`` made in the file ``made_in``: translated in that file's module's catalogue first."""

    def __init__(self, made_in: str, text: str, **variables: Any) -> None:
        super().__init__(flask_babel.gettext, text, **variables)
        self._made_in = made_in

    def module(self) -> str | None:
        """The module whose file made this label, or None (the core's, a library's, or no application)."""
        from core.i18n import module_of_file

        return module_of_file(self._made_in) if has_app_context() else None

    def __str__(self) -> str:
        module = self.module()
        if module is None:
            return super().__str__()
        from core.i18n import module_translations

        text = module_translations(module).ugettext(self._args[0])
        return text % self._kwargs if self._kwargs else text


def lazy_gettext(text: str, **variables: Any) -> LazyString:
    """flask_babel.lazy_gettext, remembering the file of the code that called it."""
    return ModuleLazyString(sys._getframe(1).f_code.co_filename, text, **variables)


def install() -> None:
    """Replace flask_babel.lazy_gettext (done by core/__init__.py, before any module imports it)."""
    flask_babel.lazy_gettext = lazy_gettext
