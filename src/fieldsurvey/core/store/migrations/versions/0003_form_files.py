"""Form files: the choice CSVs a form version names, kept with it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

Written by hand and kept dialect-neutral, like 0001. Forms added before this revision have no
files here and resolve them as they did then.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_files",
        sa.Column("form_id", sa.String(), nullable=False),
        sa.Column("version", sa.String(), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["form_id", "version"],
            ["form_defs.form_id", "form_defs.version"],
            name="fk_form_files_form_id_form_defs",
        ),
        sa.PrimaryKeyConstraint("form_id", "version", "file_name", name="pk_form_files"),
    )


def downgrade() -> None:
    op.drop_table("form_files")
