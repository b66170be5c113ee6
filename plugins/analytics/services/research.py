"""Research activities and industry events (R7.2.1, R7.2.3), and customers' needs by theme (R7.2.2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.timeutil import local_today
from plugins.analytics.models import (
    ACTIVITY_KINDS,
    NEED_SOURCES,
    ActivityLead,
    CustomerNeed,
    ResearchActivity,
)
from plugins.analytics.services.market import MarketError, price

TEXT_LIMITS = {"title": 200, "place": 200, "theme": 60, "customer_name": 200, "customer": 200}
LONG_TEXT = 20000
MAX_LEADS = 100000


def _text(value: Any, field: str, required: bool = False) -> str | None:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if "\x00" in text:
        raise MarketError(_l("This text contains a character that cannot be stored."), field)
    if not text:
        if required:
            raise MarketError(_l("This field is required."), field)
        return None
    limit = TEXT_LIMITS.get(field, LONG_TEXT)
    if len(text) > limit:
        raise MarketError(_l("At most %(n)s characters.", n=limit), field)
    return text


def _day(value: date | None, field: str) -> date:
    if value is None:
        raise MarketError(_l("Enter dates as 2026-03-31."), field)
    return value


def save_activity(session: Any, user: Any, activity: ResearchActivity | None, *, kind: str, title: Any,
                  held_on: date | None, place: Any = None, method: Any = None, sample: Any = None,
                  findings: Any = None, attendees: Any = None, cost: Any = None, leads: Any = None
                  ) -> ResearchActivity:
    if kind not in ACTIVITY_KINDS:
        raise MarketError(_l("Choose the kind of activity."), "kind")
    clean_title = _text(title, "title", required=True)
    day = _day(held_on, "held_on")
    if leads in (None, ""):
        lead_count = 0
    else:
        try:
            lead_count = int(str(leads).strip())
        except ValueError as exc:
            raise MarketError(_l("Enter a whole number."), "leads") from exc
        if not 0 <= lead_count <= MAX_LEADS:
            raise MarketError(_l("Enter a number between 0 and %(n)s.", n=MAX_LEADS), "leads")
    values = {"place": _text(place, "place"), "method": _text(method, "method"), "sample": _text(sample, "sample"),
              "findings": _text(findings, "findings"), "attendees": _text(attendees, "attendees"),
              "cost": price(cost, "cost", required=False)}
    activity = activity or ResearchActivity(owner_id=user.id)
    activity.kind, activity.title, activity.held_on, activity.leads = kind, clean_title, day, lead_count
    for key, value in values.items():
        setattr(activity, key, value)
    session.add(activity)
    session.flush()
    return activity


def record_need(session: Any, user: Any, *, theme: Any, text: Any, source: str, noted_on: date | None,
                customer_name: Any = None) -> CustomerNeed:
    if source not in NEED_SOURCES:
        raise MarketError(_l("Choose where it was heard."), "source")
    day = _day(noted_on, "noted_on")
    if day > local_today():
        raise MarketError(_l("This date is in the future."), "noted_on")
    need = CustomerNeed(theme=_text(theme, "theme", required=True), text=_text(text, "text", required=True),
                        source=source, noted_on=day, customer_name=_text(customer_name, "customer_name"),
                        reported_by_id=user.id)
    session.add(need)
    session.flush()
    return need


@dataclass
class ThemeTrend:
    months: list[str]
    themes: list[tuple[str, list[int], int]]  # theme, count per month, total


def theme_trend(session: Any, start: date, months: int = 12, top: int = 8) -> ThemeTrend:
    """How often each theme was heard per month since ``start``: one GROUP BY; the ``top`` themes by count."""
    from core.contracts import DatasetColumn
    from plugins.analytics.services.pivot import bucket

    month = bucket(CustomerNeed.noted_on, DatasetColumn("noted_on", "", "date"), "month")
    rows = session.execute(select(CustomerNeed.theme, month.label("month"), func.count())
                           .where(CustomerNeed.noted_on >= start)
                           .group_by(CustomerNeed.theme, month)).all()
    labels = []
    y, m = start.year, start.month
    for _ in range(months):
        labels.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    counts: dict[str, dict[str, int]] = {}
    for theme, bucket_key, count in rows:
        counts.setdefault(theme, {})[str(bucket_key)] = count
    ranked = sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0]))[:top]
    return ThemeTrend(labels, [(theme, [per.get(label, 0) for label in labels], sum(per.values()))
                               for theme, per in ranked])


def customer_matches(name: str, user: Any) -> list[Any]:
    """Customers ``user`` may see whose name matches, as the module that keeps customers answers the global
    search (the CRM); empty when no such module is enabled."""
    from flask import current_app

    from core.contracts import SearchResult

    engine = current_app.extensions["netsales"]
    return [r for r in engine.collect("global_search", SearchResult, query=name, user=user, limit=10)
            if r.kind == "customer"]


def link_lead(session: Any, user: Any, activity: ResearchActivity, name: Any) -> ActivityLead:
    """Link the customer called ``name`` to the activity as a lead it brought: the one whose name is exactly
    that, else the only match."""
    clean = _text(name, "customer", required=True) or ""
    matches = customer_matches(clean, user)
    exact = [m for m in matches if str(m.title) == clean]
    chosen = exact[0] if len(exact) == 1 else matches[0] if len(matches) == 1 else None
    if chosen is None:
        raise MarketError(_l("No customer of that name you may see (is the customers module on?).") if not matches
                          else _l("Several customers match: type the full name."), "customer")
    if session.scalar(select(ActivityLead.id).where(ActivityLead.activity_id == activity.id,
                                                    ActivityLead.url == chosen.url)) is not None:
        raise MarketError(_l("This customer is already linked."), "customer")
    lead = ActivityLead(activity_id=activity.id, title=str(chosen.title)[:200], url=chosen.url[:300],
                        added_by_id=user.id)
    session.add(lead)
    if activity.leads < session.scalar(select(func.count(ActivityLead.id))
                                       .where(ActivityLead.activity_id == activity.id)):
        activity.leads += 1  # a linked lead is counted in the activity's leads
    session.flush()
    return lead
