"""A candidate's personal-data requests (R11/PIPL), as the CRM handles customers': export what we hold, erase."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.security import require
from plugins.recruitment import forms
from plugins.recruitment.models import Candidate
from plugins.recruitment.services import RecruitmentError, privacy
from plugins.recruitment.views.common import PRIVACY, bp


def _candidate_or_404(candidate_id: int) -> Candidate:
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None:
        abort(404)
    return candidate


@bp.post("/people/<int:candidate_id>/export")
@require(PRIVACY)
def export_candidate(candidate_id: int):  # type: ignore[no-untyped-def]
    candidate = _candidate_or_404(candidate_id)
    forms.ActionForm().validate_on_submit()
    report = privacy.access_report(db.session, candidate, current_user)
    db.session.commit()
    return Response(privacy.access_report_json(report), mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="candidate-{candidate.id}.json"',
        "Cache-Control": "private, no-store"})


@bp.route("/people/<int:candidate_id>/erase", methods=["GET", "POST"])
@require(PRIVACY)
def erase_candidate(candidate_id: int):  # type: ignore[no-untyped-def]
    candidate = _candidate_or_404(candidate_id)
    form = forms.ErasureForm()
    if form.validate_on_submit():
        try:
            privacy.anonymise(db.session, candidate, current_user, "deletion", form.note.data)
        except RecruitmentError as exc:
            db.session.rollback()
            forms.attach_error(form, exc, "note")
        else:
            db.session.commit()
            flash(_("The candidate's personal data was erased; statistics remain."), "success")
            return redirect(url_for("recruitment.candidates"))
    return render_template("recruitment/form.html", form=form, title=_("Erase a candidate's data"),
                           intro=_("Name, phone, e-mail, CV, cover letter, test answers, interview comments and "
                                   "check evidence are erased for good. Stages, dates and marks remain for the "
                                   "statistics."), submit=_("Erase"),
                           cancel_url=url_for("recruitment.candidates")), 422 if form.errors or form.form_errors else 200
