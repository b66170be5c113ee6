"""core: attachments, comments, regulation text

Revision ID: c0a4content
Revises: c0a3services
Create Date: 2026-11-27 13:40:00

Attachments (core_attachment) and comments (core_comment) on records of any type, and the company's copy of the
regulation (core_regulation_clause).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0a4content"
down_revision: str | None = "c0a3services"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "core_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_path", sa.String(length=255), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["core_user.id"],
                                name=op.f("fk_core_attachment_uploaded_by_id_core_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_attachment")),
    )
    op.create_index("ix_core_attachment_record", "core_attachment", ["record_type", "record_id", "uploaded_at"])
    op.create_index(op.f("ix_core_attachment_uploaded_by_id"), "core_attachment", ["uploaded_by_id"])

    op.create_table(
        "core_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["core_user.id"], name=op.f("fk_core_comment_author_id_core_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_comment")),
    )
    op.create_index("ix_core_comment_record", "core_comment", ["record_type", "record_id", "created_at"])
    op.create_index(op.f("ix_core_comment_author_id"), "core_comment", ["author_id"])

    op.create_table(
        "core_regulation_clause",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clause_id", sa.String(length=20), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("text_zh", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["core_user.id"],
                                name=op.f("fk_core_regulation_clause_updated_by_id_core_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_regulation_clause")),
        sa.UniqueConstraint("clause_id", name=op.f("uq_core_regulation_clause_clause_id")),
    )
    op.create_index(op.f("ix_core_regulation_clause_sort_order"), "core_regulation_clause", ["sort_order"])


def downgrade() -> None:
    op.drop_index(op.f("ix_core_regulation_clause_sort_order"), table_name="core_regulation_clause")
    op.drop_table("core_regulation_clause")
    op.drop_index(op.f("ix_core_comment_author_id"), table_name="core_comment")
    op.drop_index("ix_core_comment_record", table_name="core_comment")
    op.drop_table("core_comment")
    op.drop_index(op.f("ix_core_attachment_uploaded_by_id"), table_name="core_attachment")
    op.drop_index("ix_core_attachment_record", table_name="core_attachment")
    op.drop_table("core_attachment")
