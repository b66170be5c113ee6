"""Offers on the application page: draft (after a complete background check), send, the candidate's answer, the
letter as PDF, and hire in one click from an accepted offer."""

from __future__ import annotations

from flask import Response, abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.identity.positions import position_choices
from core.security import require
from core.web.params import whole_number
from plugins.recruitment import forms
from plugins.recruitment.models import Application, Offer
from plugins.recruitment.services import offers as service
from plugins.recruitment.views.applications import _back, _run, people_choices
from plugins.recruitment.views.common import APP_MANAGE, APP_VIEW, HIRE, application_or_404, bp
from plugins.recruitment.views.requisitions import department_choices


def offer_form(application: Application) -> forms.OfferForm:
    form = forms.OfferForm()
    form.position.choices = [(c, label) for c, label in position_choices() if c in service.OFFER_POSITIONS]
    form.department_id.choices = department_choices()
    form.superior_id.choices = people_choices(_("— none —"))
    if not form.is_submitted():
        requisition = application.requisition
        form.position.data = requisition.position
        form.department_id.data = requisition.department_id
        form.superior_id.data = requisition.requested_by_id
        form.salary.data = requisition.salary_min
    return form


@bp.post("/applications/<int:application_id>/offers")
@require(APP_MANAGE)
def make_offer(application_id: int):  # type: ignore[no-untyped-def]
    application = application_or_404(application_id, APP_MANAGE)
    form = offer_form(application)
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors) or
              _("The form expired. Please try again."), "error")
        return _back(application_id)
    return _run(application_id, lambda: service.make_offer(
        db.session, application, current_user, salary=form.salary.data, start_date=form.start_date.data,
        position=form.position.data, department_id=form.department_id.data, superior_id=form.superior_id.data,
        terms=form.terms.data), _("Offer drafted. Print the letter, then mark it sent."))


def _offer_or_404(offer_id: int, permission: str = APP_MANAGE) -> tuple[Offer, Application]:
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        abort(404)
    return offer, application_or_404(offer.application_id, permission)


@bp.post("/offers/<int:offer_id>/state")
@require(APP_MANAGE)
def offer_state(offer_id: int):  # type: ignore[no-untyped-def]
    offer, application = _offer_or_404(offer_id)
    form = forms.ActionForm()
    form.validate_on_submit()
    to_state = request.form.get("state", "")
    from plugins.recruitment.labels import OFFER_STATE_LABELS

    def run() -> None:
        service.set_state(db.session, offer, to_state, expected_version=whole_number(form.version.data))
        if to_state == "declined":
            from plugins.recruitment.services.stages import reject

            reject(db.session, application, current_user, _("Declined the offer"), notify=False)

    return _run(application.id, run, _("Offer is now %(state)s.", state=OFFER_STATE_LABELS.get(to_state, "")))


@bp.get("/offers/<int:offer_id>/letter.pdf")
@require(APP_VIEW)
def offer_letter(offer_id: int):  # type: ignore[no-untyped-def]
    from core.pdf import FontNotFoundError
    from plugins.recruitment.pdf import offer_pdf

    offer, _application = _offer_or_404(offer_id, APP_VIEW)
    try:
        data = offer_pdf(offer)
    except FontNotFoundError:
        return render_template("recruitment/public_message.html", title=_("Offer letter"),
                               message=_("No Chinese font is installed on the server, so the letter cannot be "
                                         "printed. Ask the administrator to install fonts-wqy-microhei.")), 503
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="offer-{offer.id}.pdf"', "Cache-Control": "private, no-store"})


@bp.post("/applications/<int:application_id>/hire")
@require(HIRE)
def hire(application_id: int):  # type: ignore[no-untyped-def]
    application = application_or_404(application_id, HIRE)
    form = forms.HireForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors) or
              _("The form expired. Please try again."), "error")
        return _back(application_id)
    return _run(application_id, lambda: service.hire(db.session, application, current_user, form.login.data),
                lambda user: _("%(name)s is hired: their account %(login)s was created. Set their password on "
                               "the people page.", name=user.name, login=user.login))
