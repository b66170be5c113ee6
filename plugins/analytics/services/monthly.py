"""The monthly sales report (R2.3.6): on the 1st, last month's trend, top and bottom products and
representatives, the open pipeline, notable changes and market notes, printed as a PDF, kept in the archive and
e-mailed to the recipients of the setting.

The figures are read as the first recipient who sees the whole company's orders (the sales manager by default),
so the report says what that reader would see on the dashboards.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.identity.models import User
from core.notifications.service import notify
from core.security import scope_for
from core.settings.store import get_setting
from core.timeutil import local_today
from plugins.analytics.models import Competitor, MonthlyReport, NotableChange, PriceObservation
from plugins.analytics.services import sales
from plugins.analytics.services.catalogue import find_dataset
from plugins.analytics.services.pivot import PivotSpec, run

PDF_LOCALE = "zh_Hans"
TEMPLATE = "analytics/monthly_pdf.html"
TOP = 5


@dataclass
class MonthlyFigures:
    month: date
    revenue: Decimal = Decimal("0.00")
    last_year: Decimal = Decimal("0.00")
    previous_month: Decimal = Decimal("0.00")
    products: list[sales.ParetoRow] = field(default_factory=list)
    representatives: list[tuple[Any, Decimal]] = field(default_factory=list)
    pipeline: list[tuple[str, int, Decimal]] = field(default_factory=list)  # stage label, deals, expected value
    changes: list[tuple[str, str, Decimal]] = field(default_factory=list)  # person, KPI, change
    prices: list[tuple[str, str, Decimal, str | None]] = field(default_factory=list)
    has_sales: bool = False

    @property
    def growth(self) -> Decimal | None:
        return (self.revenue / self.last_year - 1).quantize(Decimal("0.0001")) if self.last_year else None


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def _shift_year(first: date, years: int) -> date:
    return first.replace(year=first.year + years)


def recipients(session: Any) -> list[User]:
    logins = [x.strip() for x in str(get_setting("analytics.report_recipients") or "").split(",") if x.strip()]
    if not logins:
        return []
    found = {u.login: u for u in session.scalars(select(User).where(User.login.in_(logins), User.active))}
    return [found[login] for login in logins if login in found]


def reader_for(people: list[User]) -> User | None:
    """The first recipient who sees the whole company's orders."""
    return next((p for p in people if scope_for(p, sales.SALES_PERMISSION) == "all"), None)


def figures(session: Any, reader: User, first: date) -> MonthlyFigures:
    end = _month_end(first)
    out = MonthlyFigures(first)
    dataset = sales.sales_dataset(reader)
    if dataset is not None:
        out.has_sales = True
        total = PivotSpec(sales.SALES_DATASET, measure="revenue", aggregate="sum")
        # Live, not from the summary: on the 1st the summary may not yet hold the month's last minutes.
        out.revenue = run(replace(total, start=first, end=end), dataset, reader, live=True).total
        out.last_year = run(replace(total, start=_shift_year(first, -1), end=_shift_year(end, -1)), dataset,
                            reader, live=True).total
        before = (first - timedelta(days=1)).replace(day=1)
        out.previous_month = run(replace(total, start=before, end=first), dataset, reader, live=True).total
        out.products = sales.pareto(dataset, reader, "product", first, end, live=True)
        out.representatives = sales.revenue_by(dataset, reader, "representative", first, end, live=True)
    deals = find_dataset("pipeline.deals", reader)
    if deals is not None:
        from plugins.analytics.services.catalogue import column, value_labels

        result = run(PivotSpec("pipeline.deals", rows=("stage",), measure="expected_value", aggregate="sum",
                               filters=(("status", "open"),)), deals, reader)
        counts = run(PivotSpec("pipeline.deals", rows=("stage",), aggregate="count", filters=(("status", "open"),)),
                     deals, reader)
        labels = value_labels(column(deals, "stage"))
        out.pipeline = [(labels.get(str(k[0]), str(k[0])), int(counts.cells.get((k, None)) or 0),
                         result.cells[(k, None)]) for k in result.row_keys]
    names = dict(session.execute(select(User.id, User.name)).all())
    kpi_labels = {k.key: str(k.label) for k in _kpis()}
    out.changes = [(names.get(c.user_id, "—"), kpi_labels.get(c.kpi_key, c.kpi_key), c.change)
                   for c in session.scalars(select(NotableChange).where(NotableChange.month == first)
                                            .order_by(NotableChange.change))]
    out.prices = [(name, obs.their_product, obs.price, obs.promotion) for obs, name in session.execute(
        select(PriceObservation, Competitor.name).join(Competitor, Competitor.id == PriceObservation.competitor_id)
        .where(PriceObservation.observed_on >= first, PriceObservation.observed_on < end)
        .order_by(PriceObservation.observed_on.desc()).limit(10))]
    return out


def _kpis() -> list[Any]:
    from plugins.analytics.services.changes import kpis

    return kpis()


def render(session: Any, reader: User, first: date) -> bytes:
    """The report of the month starting ``first`` as ``reader`` sees it: its figures, printed."""
    with force_locale(PDF_LOCALE):
        return print_pdf(figures(session, reader, first))


def print_pdf(data: MonthlyFigures) -> bytes:
    from core.pdf import render_pdf

    with force_locale(PDF_LOCALE):
        return render_pdf(TEMPLATE, **pdf_context(data))


def pdf_context(data: MonthlyFigures) -> dict[str, Any]:
    products, reps = data.products, data.representatives
    return {"figures": data, "top": products[:TOP],
            "bottom": list(reversed(products[TOP:]))[:TOP] if len(products) > TOP else [],
            "reps_top": reps[:TOP], "reps_bottom": list(reversed(reps[TOP:]))[:TOP],
            "title": f"{data.month.year}年{data.month.month}月销售报告"}


def issue(session: Any, first: date) -> MonthlyReport | None:
    """Print, keep and send the report of the month starting ``first`` unless it exists: idempotent, and a second
    process racing for the same month loses on the unique month and sends nothing."""
    if session.scalar(select(MonthlyReport.id).where(MonthlyReport.month == first)) is not None:
        return None
    people = recipients(session)
    reader = reader_for(people)
    if reader is None:
        current_app.logger.warning("monthly report %s: no recipient sees the whole company; not issued", first)
        return None
    report = MonthlyReport(month=first, pdf=render(session, reader, first), prepared_as_id=reader.id,
                           recipients=",".join(p.login for p in people))
    try:
        with session.begin_nested():
            session.add(report)
            session.flush()
    except IntegrityError:
        return None
    for person in people:
        notify(person, _l("The sales report for %(month)s is ready."), url=f"/analytics/monthly/{report.id}",
               email=True, month=first.strftime("%Y-%m"))
    return report


def issue_last_month(session: Any, today: date | None = None) -> MonthlyReport | None:
    """The job: on any day, the report of the month before, if not issued yet (so a missed 1st catches up)."""
    today = today or local_today()
    return issue(session, (today.replace(day=1) - timedelta(days=1)).replace(day=1))
