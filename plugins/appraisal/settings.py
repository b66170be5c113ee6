"""The appraisal's settings (R4.2 deadlines, R4.3.4 weights and grades, R4.4 bonus and candidates, R10)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from core.contracts import SettingDef
from plugins.appraisal.labels import GRADE_LABELS

#: Positions that get a bonus base and, in the demo, a template.
BONUS_POSITIONS = ("sales_rep", "sales_supervisor", "sales_manager")
GRADE_MINIMUMS = (("excellent", "90"), ("good", "80"), ("pass", "70"), ("improve", "60"))
COEFFICIENTS = (("excellent", "1.5"), ("good", "1.2"), ("pass", "1.0"), ("improve", "0.5"), ("fail", "0"))
BASES = (("sales_rep", "2000"), ("sales_supervisor", "3000"), ("sales_manager", "5000"))


def setting_definitions() -> list[SettingDef]:
    from core.identity.positions import POSITION_LABELS

    definitions = [
        SettingDef("appraisal.monthly_open_day", _l("Day of the month monthly appraisals open (R4.2)"), "int", 1,
                   help=_l("The previous month is appraised from this day.")),
        SettingDef("appraisal.monthly_due_day", _l("Day of the month monthly appraisals are due (R4.2)"), "int", 10),
        SettingDef("appraisal.annual_due_day", _l("Day of January the annual appraisal is due (R4.2)"), "int", 10),
        SettingDef("appraisal.mid_period", _l("People who joined during the period"), "choice", "prorata",
                   choices=(("prorata", _l("Appraise them, targets pro rata")), ("skip", _l("Skip them")))),
        SettingDef("appraisal.reminder_days", _l("Days before the due date to send reminders"), "int", 3),
        SettingDef("appraisal.weight_self", _l("Weight of the self-assessment (%)"), "decimal", "20",
                   help=_l("The three weights are shares of the final score (R4.3.4); a missing evaluation's weight "
                           "goes to the others in proportion.")),
        SettingDef("appraisal.weight_superior", _l("Weight of the superior's evaluation (%)"), "decimal", "60"),
        SettingDef("appraisal.weight_customer", _l("Weight of the customer evaluation (%)"), "decimal", "20"),
    ]
    for grade in ("excellent", "good", "pass", "improve", "fail"):
        definitions.append(SettingDef(f"appraisal.grade_name_{grade}",
                                      _l("Name of the grade %(grade)s", grade=GRADE_LABELS[grade]), "str", "",
                                      help=_l("Empty: the default name, in each reader's language.")))
    for grade, minimum in GRADE_MINIMUMS:
        definitions.append(SettingDef(f"appraisal.grade_{grade}", _l("Lowest score graded %(grade)s",
                                                                      grade=GRADE_LABELS[grade]), "decimal", minimum))
    for position, base in BASES:
        definitions.append(SettingDef(f"appraisal.bonus_base_{position}",
                                      _l("Monthly bonus base of a %(position)s (CNY)",
                                         position=POSITION_LABELS[position]), "decimal", base,
                                      help=_l("Below 0 counts as 0.")))
    for grade, coefficient in COEFFICIENTS:
        definitions.append(SettingDef(f"appraisal.bonus_coefficient_{grade}",
                                      _l("Bonus coefficient of the grade %(grade)s", grade=GRADE_LABELS[grade]),
                                      "decimal", coefficient))
    definitions += [
        SettingDef("appraisal.promotion_streak", _l("Consecutive excellent results for a promotion candidate (R4.4.2)"),
                   "int", 3),
        SettingDef("appraisal.demotion_streak",
                   _l("Consecutive unsatisfactory results for a demotion or transfer candidate (R4.4.2)"), "int", 2),
        SettingDef("appraisal.demotion_result_below",
                   _l("Or results below this percent of target for as many months"), "decimal", "60"),
        SettingDef("appraisal.appeal_days", _l("Days an employee has to acknowledge or appeal a result"), "int", 7),
        SettingDef("appraisal.excellent_max_share",
                   _l("Largest share of a team graded excellent before calibration warns (%)"), "decimal", "20",
                   help=_l("0 turns the forced-distribution warning off.")),
    ]
    return definitions


def setting(key: str) -> Any:
    from core.settings import get_setting

    return get_setting(f"appraisal.{key}")


def weights() -> dict[str, Decimal]:
    return {name: max(Decimal(setting(f"weight_{name}")), Decimal("0")) for name in ("self", "superior", "customer")}


def grade_thresholds() -> list[tuple[str, Decimal]]:
    """Best grade first, checked in that order whatever the numbers (a score reaching two minimums gets the better)."""
    return [(grade, Decimal(setting(f"grade_{grade}"))) for grade, _m in GRADE_MINIMUMS]
