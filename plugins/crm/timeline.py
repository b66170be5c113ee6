"""What the CRM adds to a customer's timeline: interactions, grade changes, ownership changes, survey answers."""

from __future__ import annotations

from flask import has_request_context
from flask_babel import get_locale

from core.contracts import TimelineEntry
from core.i18n import FixedWords, gettext_noop
from plugins.crm.forms import interaction_choices
from plugins.crm.models import Customer
from plugins.crm.services.customer_file import history

#: The entries' words, translated once per language and process (issue 18: a look-up per entry otherwise).
WORDS = FixedWords(gettext_noop("Grade %(old)s → %(new)s"), gettext_noop("Owner changed"),
                   gettext_noop("Satisfaction survey: %(n)s/5"))
#: The interaction kinds' names by language, as WORDS keeps its words.
_KINDS: dict[str, dict[str, str]] = {}


def _kinds() -> dict[str, str]:
    if not has_request_context():  # no request's locale to keep them for
        return {code: str(label) for code, label in interaction_choices()}
    locale = str(get_locale())
    kinds = _KINDS.get(locale)
    if kinds is None:
        kinds = _KINDS[locale] = {code: str(label) for code, label in interaction_choices()}
    return kinds


def entries_for(customer: Customer) -> list[TimelineEntry]:
    """The customer's entries, from the history its page has already read in this request (services/customer_file.py)."""
    recent = history(customer.id)
    entries: list[TimelineEntry] = []
    kinds = _kinds()
    words = {word: str(text) for word, text in WORDS().items()}  # plain text, as gettext gives it
    # The authors' names come with the history (joined), so the timeline needs no statement for them (issue 18).
    for i, author in recent.interactions:
        entries.append(TimelineEntry(i.occurred_at, f"crm.{i.kind}", f"{kinds.get(i.kind, i.kind)}: {i.summary[:200]}",
                                     user_id=i.user_id, user_name=author))
    for g, changer in recent.grade_changes:
        text = words["Grade %(old)s → %(new)s"] % {"old": g.old_grade or "—", "new": g.new_grade or "—"}
        entries.append(TimelineEntry(g.changed_at, "crm.grade", f"{text} {g.reason or ''}".strip(),
                                     user_id=g.changed_by_id, user_name=changer))
    for o, giver, taker in recent.owner_changes:
        entries.append(TimelineEntry(o.changed_at, "crm.owner",
                                     words["Owner changed"] + (f": {o.reason}" if o.reason else ""),
                                     user_id=o.changed_by_id,
                                     # the history names the owners only: the mover's name when it is one of them
                                     user_name=giver if o.changed_by_id == o.from_user_id
                                     else taker if o.changed_by_id == o.to_user_id else None))
    for s in recent.surveys:
        if s.answered_at is not None:
            entries.append(TimelineEntry(s.answered_at, "crm.survey", words["Satisfaction survey: %(n)s/5"] % {"n": s.rating}))
    return entries
