"""expenses: indexes for large data (issue 7 "Performance")

Each list page reads its page in index order instead of sorting every matching claim; the id, every list's
tie-break, ends each index so that the order is the index's on both databases:
- claim (approver_id, state, submitted_at, id) replaces (approver_id, state): the department-level queue (R9.2.2);
- claim (state, dept_approved_at, id) and (state, finance_approved_at, id): finance's re-review and payment queues
  (R9.2.3), oldest first;
- claim (created_at, id): the claim list, newest first, and its creation-date filter;
- claim (department_id, state) replaces (department_id), and claim line (claim_id, expense_date, category_id,
  amount) replaces (claim_id): the budget figures (committed, spent) are summed from the two indexes alone.

Revision ID: 3d5e7a9c1b2f
Revises: 8eaf2f777b23
Create Date: 2026-11-27 17:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '3d5e7a9c1b2f'
down_revision: str | None = '8eaf2f777b23'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_expenses_claim_approver_state', table_name='expenses_claim')
    op.create_index('ix_expenses_claim_approver_state_submitted', 'expenses_claim',
                    ['approver_id', 'state', 'submitted_at', 'id'], unique=False)
    op.create_index('ix_expenses_claim_state_dept_approved', 'expenses_claim', ['state', 'dept_approved_at', 'id'],
                    unique=False)
    op.create_index('ix_expenses_claim_state_finance_approved', 'expenses_claim',
                    ['state', 'finance_approved_at', 'id'], unique=False)
    op.create_index('ix_expenses_claim_created', 'expenses_claim', ['created_at', 'id'], unique=False)
    op.drop_index('ix_expenses_claim_department_id', table_name='expenses_claim')
    op.create_index('ix_expenses_claim_department_state', 'expenses_claim', ['department_id', 'state'], unique=False)
    op.drop_index('ix_expenses_claim_line_claim_id', table_name='expenses_claim_line')
    op.create_index('ix_expenses_claim_line_claim_usage', 'expenses_claim_line',
                    ['claim_id', 'expense_date', 'category_id', 'amount'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_expenses_claim_line_claim_usage', table_name='expenses_claim_line')
    op.create_index('ix_expenses_claim_line_claim_id', 'expenses_claim_line', ['claim_id'], unique=False)
    op.drop_index('ix_expenses_claim_department_state', table_name='expenses_claim')
    op.create_index('ix_expenses_claim_department_id', 'expenses_claim', ['department_id'], unique=False)
    op.drop_index('ix_expenses_claim_created', table_name='expenses_claim')
    op.drop_index('ix_expenses_claim_state_finance_approved', table_name='expenses_claim')
    op.drop_index('ix_expenses_claim_state_dept_approved', table_name='expenses_claim')
    op.drop_index('ix_expenses_claim_approver_state_submitted', table_name='expenses_claim')
    op.create_index('ix_expenses_claim_approver_state', 'expenses_claim', ['approver_id', 'state'], unique=False)
