"""Expense categories (R9.1.1): the defaults, their translated names, and a company's own."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from plugins.expenses import platform
from plugins.expenses.models import POLICIES, Category
from plugins.expenses.services.common import InvalidInput

#: Default categories of R9.1.1 (code, English source name; shown translated while unchanged).
DEFAULT_CATEGORIES = (
    ("marketing", "Marketing and promotion"),
    ("personnel", "Personnel"),
    ("travel", "Travel"),
    ("office", "Office supplies"),
)


#: The defaults' names in the reader's language (shown while a company keeps the default name).
DEFAULT_CATEGORY_LABELS = {"marketing": _l("Marketing and promotion"), "personnel": _l("Personnel"),
                           "travel": _l("Travel"), "office": _l("Office supplies")}


def category_label(category: Category) -> str:
    """The category's name, translated while it is still one of the R9.1.1 defaults."""
    if dict(DEFAULT_CATEGORIES).get(category.code) == category.name:
        return str(DEFAULT_CATEGORY_LABELS[category.code])
    return category.name


def ensure_default_categories(session: Any) -> None:
    """Seed the R9.1.1 categories once; a company may rename, add or deactivate them afterwards."""
    existing = set(session.scalars(select(Category.code)))
    policy = platform.setting("expenses.default_policy")
    for position, (code, name) in enumerate(DEFAULT_CATEGORIES):
        if code not in existing:
            session.add(Category(code=code, name=name, over_budget_policy=policy, position=position * 10))
    session.flush()


def save_category(session: Any, *, code: str, name: str, policy: str, active: bool = True,
                  category: Category | None = None) -> Category:
    code, name = (code or "").strip().lower(), (name or "").strip()
    errors: dict[str, str] = {}
    if not code or len(code) > 40 or not code.replace("_", "").isalnum():
        errors["code"] = _("Use 1 to 40 letters, digits or underscores.")
    if not name or len(name) > 120:
        errors["name"] = _("A name of 1 to 120 characters is required.")
    if policy not in POLICIES:
        errors["policy"] = _("Choose warn or block.")
    taken = session.scalar(select(Category.id).where(Category.code == code))
    if taken is not None and (category is None or taken != category.id):
        errors["code"] = _("Another category already uses this code.")
    if errors:
        raise InvalidInput(errors)
    if category is None:
        category = Category(code=code, position=1000)
        session.add(category)
    category.code, category.name, category.over_budget_policy, category.active = code, name, policy, active
    session.flush()
    return category


def active_categories(session: Any) -> list[Category]:
    return list(session.scalars(select(Category).where(Category.active).order_by(Category.position, Category.id)))
