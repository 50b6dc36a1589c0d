"""Import and merge: packages imported, conflicts between divergent heads, possible duplicates,
review comments, and what a record's revision graph says about it (open conflicts, review flag).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Written by hand and kept dialect-neutral, like 0001. New columns on existing tables are
nullable or carry a server default, so databases with records upgrade in place.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "records", sa.Column("conflicts", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("records", sa.Column("review_flag", sa.String(), nullable=True))
    op.create_index("ix_records_conflicts", "records", ["conflicts"])
    op.add_column("revisions", sa.Column("comment", sa.Text(), nullable=True))
    op.add_column("villages", sa.Column("same_as", sa.String(), nullable=True))
    op.create_table(
        "imports",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("package_id", sa.String(), nullable=False),
        sa.Column("imported_at", sa.String(), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("device_id", sa.String(), nullable=False),
        sa.Column("device_name", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_imports"),
    )
    op.create_index("ix_imports_package_id", "imports", ["package_id"])
    op.create_table(
        "conflicts",
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("base", sa.Text(), nullable=False),
        sa.Column("candidates", sa.Text(), nullable=False),
        sa.Column("found_at", sa.String(), nullable=False),
        sa.Column("choice", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name="fk_conflicts_record_id_records"
        ),
        sa.PrimaryKeyConstraint("record_id", "path", name="pk_conflicts"),
    )
    op.create_table(
        "duplicates",
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("first", sa.String(), nullable=False),
        sa.Column("second", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("found_at", sa.String(), nullable=False),
        sa.Column("decided_at", sa.String(), nullable=True),
        sa.Column("decided_by", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("kind", "first", "second", name="pk_duplicates"),
    )


def downgrade() -> None:
    op.drop_table("duplicates")
    op.drop_table("conflicts")
    op.drop_table("imports")
    # SQLite 3.35 and later drop columns in place; a batch copy would drop the villages
    # table, which the records refer to
    op.drop_column("villages", "same_as")
    op.drop_column("revisions", "comment")
    op.drop_index("ix_records_conflicts", table_name="records")
    op.drop_column("records", "review_flag")
    op.drop_column("records", "conflicts")
