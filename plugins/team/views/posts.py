"""Shared experience (R8.1.2): posts with search and tags, a post with likes and comments, the month's most
useful posts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.security import require
from core.timeutil import local_today
from plugins.team import forms
from plugins.team.models import Post, people_without_roles
from plugins.team.services import TeamError
from plugins.team.services import posts as service
from plugins.team.views.common import bp, or_404, page_number

VIEW = "team.post.view"
PER_PAGE = 20


@bp.get("/posts")
@require(VIEW)
def posts():  # type: ignore[no-untyped-def]
    page = page_number()
    query = (request.args.get("q") or "").strip()[:100]
    tag = (request.args.get("tag") or "").strip()[:40]
    kind = request.args.get("kind") or ""
    stmt = service.listing(query or None, tag or None, kind or None)
    stmt = stmt.options(*people_without_roles(Post.author))
    rows = list(db.session.scalars(stmt.order_by(Post.created_at.desc(), Post.id.desc()).limit(PER_PAGE + 1)
                                   .offset((page - 1) * PER_PAGE)).unique())
    return render_template("team/posts.html", posts=rows[:PER_PAGE], page=page, has_next=len(rows) > PER_PAGE,
                           query=query, tag=tag, kind=kind, tags=service.popular_tags(db.session),
                           useful=service.most_useful(db.session, local_today()) if page == 1 else [])


@bp.route("/posts/new", methods=["GET", "POST"])
@require(VIEW)
def new_post():  # type: ignore[no-untyped-def]
    form = forms.PostForm()
    forms.offer_about_fields(form, current_user)
    if form.validate_on_submit():
        try:
            related_kind, related_id = form.related()
            post = service.create_post(db.session, current_user, title=form.title.data, body=form.body.data,
                                       kind=form.kind.data, tags=form.tags.data, related_kind=related_kind,
                                       related_id=related_id)
        except TeamError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Thank you for sharing."), "success")
            return redirect(url_for("team.post", post_id=post.id))
    return render_template("team/form.html", form=form, title=_("Share experience"),
                           cancel_url=url_for("team.posts"),
                           crumbs=[(_("Shared experience"), url_for("team.posts"))]), 422 if form.errors else 200


@bp.get("/posts/<int:post_id>")
@require(VIEW)
def post(post_id: int):  # type: ignore[no-untyped-def]
    from core.web.lookup import linked_record

    post = or_404(db.session.get(Post, post_id))
    # Named only to a reader who may see the record (a customer of another team stays unnamed).
    about = linked_record(post.related_kind, post.related_id, current_user)
    return render_template("team/post.html", post=post, about=about,
                           liked=service.liked_by(db.session, post, current_user))


@bp.post("/posts/<int:post_id>/like")
@require(VIEW)
def like_post(post_id: int):  # type: ignore[no-untyped-def]
    post = or_404(db.session.get(Post, post_id))
    if request.form.get("action") == "unlike":
        service.unlike(db.session, post, current_user)
    else:
        service.like(db.session, post, current_user)
    db.session.commit()
    return redirect(url_for("team.post", post_id=post.id))
