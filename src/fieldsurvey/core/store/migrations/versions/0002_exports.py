"""Exports: which packages this device wrote and the head revision of each record in them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

Written by hand and kept dialect-neutral, like 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exports",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("revisions", sa.Integer(), nullable=False),
        sa.Column("files", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_exports"),
    )
    op.create_table(
        "export_records",
        sa.Column("export_id", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("head_revision_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["export_id"], ["exports.id"], name="fk_export_records_export_id_exports"
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name="fk_export_records_record_id_records"
        ),
        sa.PrimaryKeyConstraint("export_id", "record_id", name="pk_export_records"),
    )
    op.create_index("ix_export_records_record_id", "export_records", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_export_records_record_id", table_name="export_records")
    op.drop_table("export_records")
    op.drop_table("exports")
