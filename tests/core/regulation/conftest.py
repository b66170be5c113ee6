"""Plugins that serve clauses, written before the app is built so that the app loads them."""

import pytest

SERVING = '''
from decimal import Decimal

from core.contracts import ComplianceCheck, ComplianceResult


def graded():
    return ComplianceResult(Decimal("0.92"), "46 of 50 customers graded", True, url="/serving/ungraded")


def broken():
    raise RuntimeError("the figures table is missing")


@hookimpl
def menu_items(user):
    from core.contracts import MenuItem

    return [MenuItem("serving", "Serving module", "core.dashboard", order=999)]


@hookimpl
def compliance_checks():
    return [
        ComplianceCheck("serving.graded", "R5.2.1", "Customers graded A/B/C", graded),
        ComplianceCheck("serving.appraisals", "R4.2", "Appraisals finished by the 10th", broken),
        ComplianceCheck("serving.elsewhere", "R99.1", "A clause the company does not have", graded),
    ]
'''


@pytest.fixture
def app(make_app, temp_plugin):
    temp_plugin("serving", hooks=SERVING, clauses=["R5.2"], title="Serving module")
    temp_plugin("idle", clauses=["R6"], title="Idle module")
    application = make_app()
    with application.app_context():
        yield application
