"""Pages for everyone signed in: the org chart, my profile, my team (issue 3: "Anyone sees the org chart and their
own profile; a supervisor sees their team", R2.2.2)."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from core.contracts import ProfileSection
from core.extensions import db
from core.identity.models import Department, User
from core.identity.org import forest
from core.identity.positions import position_label
from core.identity.views import bp
from core.security import authenticated, team_ids


@bp.app_template_filter("position_label")
def _position_label(code: str | None) -> str:
    return position_label(code)


@bp.get("/org")
@authenticated
def orgchart():  # type: ignore[no-untyped-def]
    """Departments with heads and members, and the reporting lines: two queries for the whole company."""
    departments = list(db.session.scalars(select(Department).order_by(Department.name)))
    people = list(db.session.scalars(select(User).where(User.active).order_by(User.name)))
    members: dict[int | None, list[User]] = {}
    for person in people:
        members.setdefault(person.department_id, []).append(person)
    department_roots, department_children = forest(departments, lambda d: d.parent_id)
    people_roots, people_children = forest(people, lambda p: p.superior_id)
    return render_template(
        "identity/orgchart.html", department_roots=department_roots, department_children=department_children,
        members=members, people_by_id={person.id: person for person in people}, people_roots=people_roots,
        people_children=people_children, department_names={d.id: d.name for d in departments},
    )


def _profile_sections(user: Any) -> list[tuple[ProfileSection, dict[str, Any]]]:
    engine = current_app.extensions["netsales"]
    sections = sorted(engine.collect("user_profile_sections", ProfileSection, user=user),
                      key=lambda s: (s.order, s.key))
    return [(section, section.context(user) if section.context else {}) for section in sections]


@bp.get("/profile")
@authenticated
def profile():  # type: ignore[no-untyped-def]
    # The signed-in user's roles came with them; the superior's are not shown: neither is selected again.
    user = db.session.scalar(select(User).where(User.id == current_user.id)
                             .options(joinedload(User.department), joinedload(User.superior).lazyload(User.roles),
                                      lazyload(User.roles)))
    direct_reports = list(db.session.scalars(select(User).where(User.superior_id == user.id, User.active)
                                             .order_by(User.name)))
    return render_template("identity/profile.html", user=user, direct_reports=direct_reports,
                           team_size=len(team_ids(user)) - 1, sections=_profile_sections(user))


@bp.get("/team")
@authenticated
def team():  # type: ignore[no-untyped-def]
    """Everyone below the signed-in user, recursively, as a tree; one query after the (cached) team look-up."""
    ids = team_ids(current_user)
    people = list(db.session.scalars(select(User).where(User.id.in_(sorted(ids)))
                                     .options(joinedload(User.department)).order_by(User.name)))
    _roots, children = forest(people, lambda p: p.superior_id)
    return render_template("identity/team.html", roots=children.get(current_user.id, []), children=children,
                           size=len(people) - 1)
