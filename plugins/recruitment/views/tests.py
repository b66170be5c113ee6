"""Written tests: papers (HR), sending a private link, recording a result by hand, marking written answers, and the
candidate's test page (public, reached only through the random link)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.security import public, require
from plugins.recruitment import forms
from plugins.recruitment.models import TestPaper, TestSession
from plugins.recruitment.services import RecruitmentError
from plugins.recruitment.services import written_tests as service
from plugins.recruitment.services.emails import queue_test_link
from plugins.recruitment.views.applications import _back, _run
from plugins.recruitment.views.common import APP_MANAGE, application_or_404, bp, public_bp


@bp.get("/tests")
@require(APP_MANAGE)
def papers():  # type: ignore[no-untyped-def]
    from core.web.listing import ListQuery

    listing = ListQuery(select(TestPaper), sorts={"created": TestPaper.created_at, "title": TestPaper.title},
                        default_sort="-created", search=[TestPaper.title])
    return render_template("recruitment/papers.html", page=listing.page())


@bp.route("/tests/new", methods=["GET", "POST"])
@require(APP_MANAGE)
def new_paper():  # type: ignore[no-untyped-def]
    form = forms.PaperForm()
    if form.validate_on_submit():
        try:
            paper = service.create_paper(db.session, current_user, form.title.data, form.minutes.data,
                                         form.pass_score.data, form.questions.data)
        except RecruitmentError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Test paper %(title)s saved with %(n)d questions.", title=paper.title,
                    n=len(paper.questions)), "success")
            return redirect(url_for("recruitment.papers"))
    return render_template("recruitment/form.html", form=form, title=_("New test paper"),
                           cancel_url=url_for("recruitment.papers")), 422 if form.errors or form.form_errors else 200


@bp.post("/applications/<int:application_id>/tests/link")
@require(APP_MANAGE)
def send_test_link(application_id: int):  # type: ignore[no-untyped-def]
    application = application_or_404(application_id, APP_MANAGE)
    form = forms.TestLinkForm()
    form.validate_on_submit()
    paper = db.session.get(TestPaper, form.paper_id.data) if form.paper_id.data else None

    def issue() -> bool:
        if paper is None:
            raise RecruitmentError(_("Choose a test paper."), "paper_id")
        test = service.issue_link(db.session, application, paper, current_user)
        link = url_for("recruitment_public.take_test", token=test.token, _external=True)
        return queue_test_link(db.session, application, link, test.link_expires_at, paper.minutes)

    return _run(application_id, issue, lambda sent: _("Test link created and e-mailed to the candidate.") if sent
                else _("Test link created; the candidate has no e-mail address: give them the link yourself."))


@bp.post("/applications/<int:application_id>/tests/record")
@require(APP_MANAGE)
def record_test(application_id: int):  # type: ignore[no-untyped-def]
    application = application_or_404(application_id, APP_MANAGE)
    form = forms.TestResultForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors) or
              _("The form expired. Please try again."), "error")
        return _back(application_id)
    return _run(application_id, lambda: service.record_by_hand(db.session, application, current_user,
                                                               form.score.data, form.max_score.data,
                                                               form.passed.data, form.note.data),
                _("Test result recorded."))


@bp.route("/tests/sessions/<int:test_id>/mark", methods=["GET", "POST"])
@require(APP_MANAGE)
def mark_test(test_id: int):  # type: ignore[no-untyped-def]
    test = db.session.get(TestSession, test_id)
    if test is None or test.paper is None:
        abort(404)
    application = application_or_404(test.application_id, APP_MANAGE)
    form = forms.ActionForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        marks = {str(q.id): request.form.get(f"q{q.id}") for q in test.paper.questions if not q.options}
        try:
            service.mark_written(db.session, test, current_user, marks)
        except RecruitmentError as exc:
            db.session.rollback()
            errors[exc.field or "form"] = str(exc)
        else:
            db.session.commit()
            flash(_("Marks saved: %(score)s of %(max)s.", score=test.score, max=test.max_score), "success")
            return _back(application.id)
    return render_template("recruitment/mark_test.html", test=test, application=application, form=form,
                           errors=errors), 422 if errors else 200


# ---------------------------------------------------------------------------------------------------- the candidate


@public_bp.route("/test/<token>", methods=["GET", "POST"])
@public
def take_test(token: str):  # type: ignore[no-untyped-def]
    test = service.session_for_token(db.session, token)
    problem = service.link_problem(test)
    if problem:
        return render_template("recruitment/public_message.html", title=_("Written test"), message=problem), \
            404 if test is None else 410
    form = forms.ActionForm()
    starting = request.form.get("start") == "1"
    if request.method == "POST" and form.validate_on_submit() and not starting:
        answers = {str(q.id): request.form.get(f"q{q.id}", "") for q in test.paper.questions}
        try:
            service.submit(db.session, test, answers)
        except RecruitmentError as exc:
            db.session.rollback()
            return render_template("recruitment/public_message.html", title=_("Written test"),
                                   message=str(exc)), 410
        db.session.commit()
        return render_template("recruitment/public_message.html", title=_("Thank you"),
                               message=_("Your answers were received. We will be in touch."))
    if test.started_at is None and not (starting and form.validate_on_submit()):
        return render_template("recruitment/test_intro.html", test=test, form=form)
    if test.started_at is None:  # GET never starts the clock: only the intro's button does
        try:
            service.start(db.session, test)
        except RecruitmentError as exc:
            db.session.rollback()
            return render_template("recruitment/public_message.html", title=_("Written test"),
                                   message=str(exc)), 410
        db.session.commit()
    return render_template("recruitment/test_take.html", test=test, form=forms.ActionForm(formdata=None))
