"""Pages for people outside the company, without signing in: the satisfaction survey (R4.3.3) and unsubscribing
from campaigns (R5.3.2). Each is reached only through a secret, random link; GET never changes anything."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

from core.extensions import db
from core.security import public
from plugins.crm import forms
from plugins.crm.models import Campaign
from plugins.crm.services import campaigns, surveys
from plugins.crm.services.errors import CRMError

bp = Blueprint("crm_public", __name__, url_prefix="/crm/p", template_folder="templates")


@bp.route("/survey/<token>", methods=["GET", "POST"], endpoint="survey_form")
@public
def survey_form(token: str):  # type: ignore[no-untyped-def]
    survey = surveys.open_survey(db.session, token)
    if survey is None:
        return render_template("crm/public_message.html", title=_("Survey"),
                               message=_("This survey link is no longer valid: it was used already or has "
                                         "expired. Thank you all the same.")), 404
    form = forms.SurveyAnswerForm()
    if form.validate_on_submit():
        try:
            surveys.answer_survey(db.session, token, form.rating.data, form.comment.data)
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
        else:
            db.session.commit()
            return render_template("crm/public_message.html", title=_("Thank you"),
                                   message=_("Thank you for your answer; it helps us serve you better."))
    return render_template("crm/survey.html", form=form), 422 if form.errors or form.form_errors else 200


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"], endpoint="unsubscribe")
@public
def unsubscribe(token: str):  # type: ignore[no-untyped-def]
    message = campaigns.message_for_token(db.session, token)
    if message is None:
        return render_template("crm/public_message.html", title=_("Unsubscribe"),
                               message=_("This unsubscribe link is not valid.")), 404
    campaign = db.session.get(Campaign, message.campaign_id)
    form = forms.ConfirmForm()
    if message.unsubscribed_at is None and form.validate_on_submit():
        campaigns.unsubscribe(db.session, token)
        db.session.commit()
    return render_template("crm/unsubscribe.html", form=form, done=message.unsubscribed_at is not None,
                           channel=campaign.channel)
