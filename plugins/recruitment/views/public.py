"""The careers page (R3.1.2), without signing in: open positions, and the application form reached through a
posting's link (its source code attributes the application to the channel). Guarded against spam without a
CAPTCHA (services/intake.py); everything people type is shown escaped."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from core.auth.throttle import client_address
from core.extensions import db
from core.security import public
from plugins.recruitment import forms
from plugins.recruitment.models import Posting, Requisition
from plugins.recruitment.services import RecruitmentError, intake
from plugins.recruitment.views.common import public_bp

LIMIT = 200


@public_bp.get("/")
@public
def careers():  # type: ignore[no-untyped-def]
    from core.settings import get_setting

    rows = db.session.scalars(select(Posting).join(Requisition, Requisition.id == Posting.requisition_id)
                              .where(Posting.channel == "careers", Posting.active, Requisition.state == "approved")
                              .order_by(Posting.created_at.desc()).limit(LIMIT)).all()
    return render_template("recruitment/careers.html", postings=rows,
                           intro=get_setting("recruitment.careers_intro"))


@public_bp.route("/apply/<code>", methods=["GET", "POST"])
@public
def apply(code: str):  # type: ignore[no-untyped-def]
    posting = intake.posting_for_code(db.session, code)
    if posting is None:
        return render_template("recruitment/public_message.html", title=_("Position closed"),
                               message=_("This position is no longer open. See our other openings on the careers "
                                         "page.")), 404
    form = forms.ApplyForm()
    status = 200
    if form.validate_on_submit():
        try:
            intake.receive(db.session, posting, address=client_address(), honeypot=form.website.data,
                           stamp=form.stamp.data, name=form.name.data, phone=form.phone.data, email=form.email.data,
                           education=form.education.data, current_employer=form.current_employer.data,
                           cover_letter=form.cover_letter.data, consent=form.consent.data,
                           talent_pool=form.talent_pool.data, cv=form.cv.data)
        except intake.TooManySubmissions as exc:
            db.session.rollback()
            return render_template("recruitment/public_message.html", title=_("Please try later"),
                                   message=str(exc)), 429
        except intake.SpamSuspected as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
            status = 422
        except RecruitmentError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
            status = 422
        else:
            db.session.commit()
            return render_template("recruitment/public_message.html", title=_("Thank you"),
                                   message=_("Your application was received. We will contact you if your profile "
                                             "matches the position."))
    elif form.is_submitted():
        status = 422
    form.stamp.data = intake.form_stamp(posting.id)  # a fresh stamp each time the form is shown
    return render_template("recruitment/apply.html", form=form, posting=posting,
                           requisition=posting.requisition), status

