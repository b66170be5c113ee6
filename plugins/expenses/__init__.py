"""Expenses (R9): annual budgets by department and category, reimbursement claims with receipts, two reviews and
payment. Business rules live in services.py; hooks.py is the only module pluggy sees."""
