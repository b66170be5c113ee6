"""Per-row, per-filter and toolbar helpers of templates/macros/lists.html, in Python: a Jinja macro call per row of
a 100-row page costs more than the rest of the row, a filter's select of 200 options is 200 loop turns of the
template, and the toolbar, sort headers and pagination of every list page cost as much again as a quick page's SQL
(issue 18). lists.html's macros call these (through ``Page``) and draw the same HTML, byte for byte.

Their fixed words are translated once per locale and process (as core/web/shell_text.py does for the layout): the
catalogues never change while a process runs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from flask import current_app, has_request_context
from flask_babel import get_locale
from markupsafe import Markup, escape

from core.i18n import FixedWords, asking_module, gettext_noop, module_translations
from core.i18n_lazy import ModuleLazyString
from core.web.icons import icon
from core.web.locale import number

#: The fixed words of the lists.html macros drawn here (each also a msgid of lists.html itself): the core's words,
#: whichever module's page draws them.
words = FixedWords(
    gettext_noop("All"), gettext_noop("Select %(name)s"), gettext_noop("Search"), gettext_noop("Apply"),
    gettext_noop("Clear"), gettext_noop("Group by"), gettext_noop("No grouping"), gettext_noop("ascending"),
    gettext_noop("descending"), gettext_noop("Pages"), gettext_noop("%(first)s–%(last)s of %(total)s"),
    gettext_noop("Previous page"), gettext_noop("Next page"), gettext_noop("Per page:"), gettext_noop("Export:"),
    # Read by lists.html's own macros as ``page.words[…]``.
    gettext_noop("Saved views"), gettext_noop("Save this view"), gettext_noop("Name of the view"),
    gettext_noop("Save view"), gettext_noop("Nothing matches your search or filters."),
    gettext_noop("Clear search and filters"), gettext_noop("Count"), gettext_noop("Total"),
)


def label_text(label: Any) -> Any:
    """A label as the toolbar draws it: a lazily translated one (``_l("Grade")``) is translated once per locale,
    module and process, not at every request (each costs a catalogue look-up); anything else is returned as it is.
    The module is the page's (core/i18n.py): "From" is 来源 on training's list, where the team module says 提出部门."""
    args = getattr(label, "_args", None)
    if not (args and len(args) == 1 and not getattr(label, "_kwargs", None) and isinstance(args[0], str)
            and getattr(getattr(label, "_func", None), "__name__", "") == "gettext" and has_request_context()):
        return label
    per_locale: dict[Any, dict[str, Markup]] = current_app.extensions["netsales"].memo("web.list_labels", None, dict)
    # The label's own module when it knows it (core/i18n_lazy.py), else the page's, as str(label) finds them.
    module = (label.module() if isinstance(label, ModuleLazyString) else None) or asking_module()
    known = per_locale.setdefault((str(get_locale()), module), {})
    text = known.get(args[0])
    if text is None:
        # Markup: a lazy string is drawn unescaped ({{ }} and Markup.format take its __html__), so is its text.
        text = known[args[0]] = Markup(module_translations(module).ugettext(args[0]))
    return text


def escaped_texts(values: list[Any]) -> list[str]:
    """``str(escape(value))`` of every value, for rows drawn in Python: one markupsafe call over them all joined by
    NUL, which escaping leaves alone (a call per value, a Markup each, cost a third of drawing a list's rows; the
    500-row expenses queue's 2,500 values: 0.8 → 0.2 ms). Should a value hold a NUL itself (PostgreSQL's text
    cannot, SQLite's can), they are escaped one by one."""
    texts = str(escape("\0".join(map(str, values)))).split("\0")
    if len(texts) != len(values):
        texts = [str(escape(value)) for value in values]
    return texts


def bulk_checkbox(value: Any, label: Any) -> Markup:
    """The row's checkbox of a bulk form (name "ids"), announced as "Select <label>"."""
    return Markup(bulk_checkbox_drawer()(value, label))


def bulk_checkbox_drawer() -> Callable[[Any, Any], str]:
    """``bulk_checkbox`` with its word looked up once, for a list that draws its rows in Python."""
    # As the template's _("Select %(name)s", name=label) under autoescape: the translation is trusted, the name is
    # escaped (Markup's % escapes each value, as here).
    announced = str(words()["Select %(name)s"])

    def draw(value: Any, label: Any) -> str:
        return (f'<td class="bulk-cell"><input type="checkbox" name="ids" value="{escape(value)}" '
                f'aria-label="{announced % {"name": escape(label)}}"></td>')

    return draw


def filter_control(page: Any, flt: Any) -> Markup:
    """One filter's control of the toolbar: a select for choices (one string join, whatever the number of
    options), a date input for date ranges; the message of a rejected value under it. f-strings with escape()
    on every value, as the template's {{ }} did (Markup.format costs ten times as much). A select's plain-text
    options are drawn once per process for each list of them (``_plain_option_rows``)."""
    current = page.active_filters.get(flt.key, "")
    error = page.errors.get(flt.key)
    label = str(escape(label_text(flt.label)))
    if flt.kind == "choice":
        options = tuple(flt.options())
        lifted = flt.default is not None
        all_word = str(words()["All"])
        error_text = None if error is None else str(escape(error))
        plain = all(type(value) is str and type(text) is str for value, text in options)
        rows = _plain_option_rows(options) if plain else _option_rows(options)
        return Markup(_draw_choice_control(str(flt.key), label, lifted, current, options, rows, all_word,
                                           error_text))
    key = escape(flt.key)
    parts = [f'<div class="filter{" has-error" if error is not None else ""}">\n  <label for="filter-{key}">'
             f'{label}</label>\n',
             f'  <input type="date" id="filter-{key}" name="{key}" value="{escape(current)}">\n']
    if error is not None:
        parts.append(f'  <p class="field-error">{escape(error)}</p>\n')
    parts.append("</div>")
    return Markup("".join(parts))


def _draw_choice_control(key: str, label: str, lifted: bool, current: str, options: Any, rows: tuple[str, ...],
                         all_word: str, error: str | None) -> str:
    """A choice filter's select (``label``, ``all_word`` and ``error`` already HTML; ``rows`` the options drawn by
    _option_rows): "selected" on the current value only."""
    key = str(escape(key))
    parts = [f'<div class="filter{" has-error" if error is not None else ""}">\n  <label for="filter-{key}">'
             f'{label}</label>\n',
             f'  <select id="filter-{key}" name="{key}" data-autosubmit>\n    <option value="'
             f'{"all" if lifted else ""}"{" selected" if lifted and current == "all" else ""}>{all_word}</option>'
             f'\n    ']
    # An escaped value holds no '">': the first one closes the value, where "selected" goes.
    parts.extend(row if value != current else row.replace('">', '" selected>', 1)
                 for (value, _label), row in zip(options, rows, strict=True))
    parts.append("\n  </select>\n")
    if error is not None:
        parts.append(f'  <p class="field-error">{error}</p>\n')
    parts.append("</div>")
    return "".join(parts)


def _option_rows(options: Any) -> tuple[str, ...]:
    """Each option's <option> element, its value and label escaped as the template's {{ }} did, none selected."""
    texts = _option_texts(options)
    return tuple(f'<option value="{texts[2 * k]}">{texts[2 * k + 1]}</option>' for k in range(len(options)))


#: Plain-text options' elements, kept per process for each list of options (owners, tags: a few hundred, escaped
#: once): keyed by the options alone, not the chosen value or the message, so that a list's owners are one entry.
_plain_option_rows = lru_cache(maxsize=128)(_option_rows)


def _option_texts(options: Any) -> list[str]:
    """Value, label, value, label … of a filter's options as ``escape()`` writes them. Owners' and tags' names are
    plain text, a few hundred a page: one call for them all (escaped_texts). A lazy or Markup label has its own
    ``__html__`` (a translation is trusted, not escaped), so such options are escaped one by one."""
    flat = [text for option in options for text in option]
    if any(hasattr(text, "__html__") for text in flat):
        return [str(escape(text)) for text in flat]
    return escaped_texts(flat)


def _keep(page: Any, skip: Any) -> str:
    """lists.html's ``_keep``: hidden inputs carrying the list's other arguments through a GET form."""
    return "".join(f'\n<input type="hidden" name="{escape(key)}" value="{escape(value)}">\n'
                   for key, value in page.args.items() if key not in skip and key not in ("page", "export"))


def toolbar(page: Any, placeholder: Any = None, search: bool = True) -> Markup:
    """lists.html's ``toolbar``: search, every filter and Group by in one GET form, with Apply and Clear."""
    w = words()
    listing = page.listing
    parts = ['<form method="get" class="list-toolbar" role="search">\n  ',
             _keep(page, {"q", "group", *(flt.key for flt in listing.filters)}), "\n  "]
    if search and listing.search_columns:
        parts.append(f'\n  <div class="filter filter-search">\n    <label for="list-q">{w["Search"]}</label>\n'
                     f'    <input type="search" id="list-q" name="q" value="{escape(page.q)}" maxlength="100" '
                     f'placeholder="{escape(placeholder or w["Search"])}">\n  </div>\n  ')
    parts.append("\n  ")
    parts.extend(filter_control(page, flt) for flt in listing.filters)
    parts.append("\n  ")
    if listing.groups:
        parts.append(group_control(page))
    parts.append(f'\n  <div class="toolbar-buttons">\n    <button type="submit" class="button secondary">'
                 f'{icon("search")} {w["Apply"]}</button>\n    ')
    if page.filtering:
        parts.append(f'<a class="button link" href="{escape(page.clear_url())}">{w["Clear"]}</a>')
    parts.append("\n  </div>\n</form>")
    return Markup("".join(parts))


def group_control(page: Any) -> Markup:
    """lists.html's ``group_control``: the "Group by" select of a list that declares groups."""
    w = words()
    chosen = page.group.key if page.group else None
    options = "".join(f'<option value="{escape(group.key)}"{" selected" if group.key == chosen else ""}>'
                      f'{escape(label_text(group.label))}</option>' for group in page.listing.groups)
    return Markup(f'<div class="filter filter-group">\n  <label for="list-group">{w["Group by"]}</label>\n'
                  f'  <select id="list-group" name="group" data-autosubmit>\n'
                  f'    <option value="">{w["No grouping"]}</option>\n    {options}\n  </select>\n</div>')


def sort_header(page: Any, key: str, label: Any, class_: Any = "") -> Markup:
    """lists.html's ``sort_header``: a column header linking to the list sorted by ``key``, then reversed."""
    state = page.sort_state(key)
    if state == "ascending":
        arrow = " " + icon("arrow-up", label=words()["ascending"])
    elif state == "descending":
        arrow = " " + icon("arrow-down", label=words()["descending"])
    else:
        arrow = " " + icon("chevrons-up-down", class_="muted")
    sort = f' aria-sort="{state}"' if state else ""
    return Markup(f'\n<th scope="col" class="sortable {escape(class_)}"{sort}>\n'
                  f'  <a href="{escape(page.sort_url(key))}">{escape(label)}{arrow}</a>\n</th>')


def pagination(page: Any, sizes: Any = (25, 50, 100)) -> Markup:
    """lists.html's ``pagination``: the position ("21–40 of 312"), page links and page sizes. The page links
    differ only in their number: their URL is built once (``Page.page_url``)."""
    if not page.total:
        return Markup("")
    w = words()
    summary = w["%(first)s–%(last)s of %(total)s"] % {
        "first": number(page.first_index), "last": number(page.last_index), "total": number(page.total)}
    parts = [f'\n<nav class="pagination" aria-label="{w["Pages"]}">\n  <p class="pagination-summary">{summary}</p>\n  ']
    if page.pages > 1:
        current = page.page
        prev = _step_link(page, current - 1, "prev", "chevron-left", w["Previous page"], page.has_prev)
        parts.append(f"\n  <ul>\n    <li>{prev}</li>\n    ")
        for link in page.page_numbers():
            if link is None:
                parts.append('\n      <li><span class="gap">…</span></li>\n      \n    ')
            elif link == current:
                parts.append(f'\n      <li><span class="current" aria-current="page">{link}</span></li>\n      \n    ')
            else:
                parts.append(f'\n      <li><a href="{escape(page.page_url(link))}">{link}</a></li>\n    ')
        following = _step_link(page, current + 1, "next", "chevron-right", w["Next page"], page.has_next)
        parts.append(f"\n    <li>{following}</li>\n  </ul>\n  ")
    parts.append("\n  ")
    if page.total > sizes[0]:
        parts.append(f'\n  <p class="page-sizes">{w["Per page:"]}\n    ')
        for size in sizes:
            if size == page.per_page:
                parts.append(f"\n      <strong>{escape(size)}</strong>\n    ")
            else:
                parts.append(f'\n      <a href="{escape(page.url(per_page=size, page=None))}">{escape(size)}</a>\n    ')
        parts.append("\n  </p>\n  ")
    parts.append("\n</nav>\n")
    return Markup("".join(parts))


def _step_link(page: Any, number: int, rel: str, arrow: str, word: str, possible: bool) -> str:
    """The pager's previous or next link, or its arrow greyed out on the first or last page."""
    if not possible:
        return f'<span class="disabled">{icon(arrow)}</span>'
    return (f'<a href="{escape(page.page_url(number))}" rel="{rel}">{icon(arrow)}'
            f'<span class="visually-hidden">{word}</span></a>')


def export_links(page: Any, formats: Any = ("csv", "xlsx")) -> Markup:
    """lists.html's ``export_links``: download links for the current selection."""
    links = "".join(f'<a href="{escape(page.export_url(fmt))}" download>{escape(str(fmt).upper())}</a>'
                    for fmt in formats)
    return Markup(f'<div class="export-links">\n  <span>{icon("download")} {words()["Export:"]}</span>\n'
                  f'  {links}\n</div>')
