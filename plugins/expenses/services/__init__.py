"""The rules of R9, one module an entity, without request objects: what views, the API, jobs, tests and other
plugins call with a session and a user. Nothing commits; the caller commits (or rolls back on an ExpenseError).

- common: permission codes, the refusals (ExpenseError and its kinds), the flush that turns a lost race into one
- categories: the expense categories (R9.1.1)
- claims: claims, their lines and invoices, receipts, the history of changes (R9.2.1)
- receipts: which files are accepted as receipts
- workflow: the state machine: submission, both reviews, payment (R9.2.1–R9.2.3)
- approvers: who gives the department-level review (R9.2.2)
- payments: how a claim was paid
- budgets: budget lines, their live figures, the over-budget check (R9.1, R9.x)
- queries: which claims a user may see, the queues
- notices: who is told what, the reminders
- reports: the figures of the reports page
- sources: claims filed for the cost of another record (issue 17)
"""

from __future__ import annotations

# A thin re-export of the names imported from outside the plugin's folder before services.py became this package
# (plugins/expenses/widgets.py, tests/browser/test_services.py, bench/expenses_bench.py). New code imports from
# the modules.
from plugins.expenses.labels import state_label
from plugins.expenses.services.budgets import budget_figures
from plugins.expenses.services.categories import ensure_default_categories
from plugins.expenses.services.claims import LineInput, create_claim
from plugins.expenses.services.common import FINANCE_REVIEW, PAY
from plugins.expenses.services.queries import department_queue, finance_queue
from plugins.expenses.services.receipts import Upload

__all__ = ["FINANCE_REVIEW", "PAY", "LineInput", "Upload", "budget_figures", "create_claim", "department_queue",
           "ensure_default_categories", "finance_queue", "state_label"]
