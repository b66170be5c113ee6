"""Each module's strings are read in its own catalogue first (issue 12): two modules may translate one English
msgid differently ("Name" is 姓名 for a candidate, 名称 for a product), and the merged catalogue can hold only one."""

from pathlib import Path

import flask_babel
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def _zh(module: str, msgid: str) -> str:
    with open(ROOT / "plugins" / module / "translations/zh_Hans/LC_MESSAGES/messages.po", "rb") as po:
        return read_po(po).get(msgid).string


def _two_modules_that_disagree(msgid: str) -> tuple[str, str]:
    first, second = "recruitment", "pipeline"
    assert _zh(first, msgid) != _zh(second, msgid), "pick a msgid the two catalogues translate differently"
    return first, second


def _template(app, module: str, source: str):
    """A template of ``module`` as its loader would compile it: named and filed under the module's templates."""
    env = app.jinja_env
    name = f"{module}/page.html"
    code = env.compile(source, name, str(ROOT / "plugins" / module / "templates" / name))
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def test_a_modules_template_reads_its_own_catalogue_first(app):
    first, second = _two_modules_that_disagree("Name")
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        for module in (first, second):
            assert _template(app, module, "{{ _('Name') }}").render() == _zh(module, "Name")


def test_a_modules_python_code_and_lazy_strings_read_its_own_catalogue_first(app):
    first, second = _two_modules_that_disagree("Name")
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        for module in (first, second):
            namespace: dict = {}
            source = "from flask_babel import gettext, lazy_gettext\ndef ask():\n    return gettext('Name')\n"
            exec(compile(source, str(ROOT / "plugins" / module / "asking.py"), "exec"), namespace)
            assert namespace["ask"]() == _zh(module, "Name")
            # A module's lazy label drawn by a core macro inside the module's own template: still its own word.
            template = _template(app, module, '{% from "macros/forms.html" import field %}{{ label }}')
            assert template.render(label=flask_babel.lazy_gettext("Name")) == _zh(module, "Name")


def test_a_string_the_module_does_not_have_falls_back_to_the_merged_catalogues(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        template = _template(app, "recruitment", "{{ _('Dashboard') }}")
        merged = app.jinja_env.from_string("{{ _('Dashboard') }}").render()
        assert merged != "Dashboard"
        assert template.render() == merged


def test_a_modules_list_toolbar_drawn_in_python_reads_its_own_catalogue_first(app, db):
    """The list toolbar is drawn by core Python (issue 18), as its macros once drew it: a module's filter and group
    labels are still that module's words, and the toolbar's own words the core's, on every module's page."""
    from sqlalchemy import select

    from core.identity.models import User
    from core.web.listing import Filter, GroupBy, ListQuery

    first, second = _two_modules_that_disagree("Name")
    listing = ListQuery(select(User), sorts={"login": User.login}, default_sort="login",
                        filters=[Filter.choice("who", flask_babel.lazy_gettext("Name"), User.login, [("a", "a")])],
                        groups=[GroupBy("name", flask_babel.lazy_gettext("Name"), User.name)])
    with app.test_request_context("/?who=a", headers={"Accept-Language": "zh-CN"}):
        page = listing.page()
        core_words = app.jinja_env.from_string("{{ _('Apply') }} {{ _('Group by') }}").render()
        for _round in range(2):  # the second time from the process's cache of each module's words
            for module in (first, second):
                html = _template(app, module, '{% import "macros/lists.html" as lists %}{{ lists.toolbar(page) }}'
                                 ).render(page=page)
                assert f'<label for="filter-who">{_zh(module, "Name")}</label>' in html
                assert f'<option value="name">{_zh(module, "Name")}</option>' in html
                assert all(word in html for word in core_words.split())


def test_a_modules_lazy_label_keeps_its_modules_words_wherever_it_is_drawn(app):
    """core/i18n_lazy.py: the audit history, the datasets and the menu are drawn by core Python, which does not
    stop at a module on the call stack; a label made by a module's code still reads that module's catalogue."""
    from core.i18n import label_text, source_text

    first, second = _two_modules_that_disagree("Name")
    labels = {}
    for module in (first, second):
        namespace: dict = {}
        source = "from flask_babel import lazy_gettext as _l\nLABEL = _l('Name')\nCOUNTED = _l('%(n)s x', n=3)\n"
        exec(compile(source, str(ROOT / "plugins" / module / "labels.py"), "exec"), namespace)
        labels[module] = namespace
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        merged = flask_babel.gettext("Name")  # asked from here (a test, no module): the merged catalogues
        assert {_zh(first, "Name"), _zh(second, "Name")} - {merged}, "one of the two must differ from the merged"
        for _round in range(2):  # the second time from core.i18n.label_text's cache, kept per module
            for module in (first, second):
                assert str(labels[module]["LABEL"]) == _zh(module, "Name")
                assert label_text(labels[module]["LABEL"]) == _zh(module, "Name")
                assert source_text(labels[module]["LABEL"]) == "Name"  # what is stored stays the msgid
                assert str(labels[module]["COUNTED"]) == "3 x"  # variables filled in, as flask_babel does
        made_here = flask_babel.lazy_gettext("Name")  # not a module's file: found on the stack, as before
        assert str(made_here) == merged
