"""The calibration page's fixed words, translated once per locale and process (issue 18: a template's ``_()`` is a
catalogue look-up and a walk up the call stack at every request, two dozen of them a page). Read in
appraisal/calibration.html as ``w["…"]``; words with arguments keep ``_()`` there."""

from __future__ import annotations

from core.i18n import FixedWords, gettext_noop

calibration_words = FixedWords(
    gettext_noop("Appraisals"), gettext_noop("Calibration"),
    gettext_noop("Compare the team's results side by side, then make them final (R4.3.4)."),
    gettext_noop("No appraisal cycle has opened yet."), gettext_noop("Distribution of grades"),
    gettext_noop("No scores yet."), gettext_noop("Results"), gettext_noop("Name"), gettext_noop("Finalise"),
    gettext_noop("Person"), gettext_noop("State"), gettext_noop("Results score"), gettext_noop("Self"),
    gettext_noop("Superior"), gettext_noop("Customers"), gettext_noop("Final score"), gettext_noop("Grade"),
    gettext_noop("Make the ticked results final"), gettext_noop("No appraisals of your team in this period."),
)
