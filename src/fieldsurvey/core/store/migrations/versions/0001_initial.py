"""Initial schema: forms, villages, records with their revisions, devices, settings, audit.

Revision ID: 0001
Revises:
Create Date: 2024-06-01

Written by hand and kept dialect-neutral: plain types, named constraints, no server defaults.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_defs",
        sa.Column("form_id", sa.String(), nullable=False),
        sa.Column("version", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("definition", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("added_at", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("form_id", "version", name="pk_form_defs"),
    )
    op.create_table(
        "villages",
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name_zh", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("township", sa.String(), nullable=False),
        sa.Column("township_zh", sa.String(), nullable=False),
        sa.Column("county", sa.String(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("device_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_villages"),
    )
    op.create_table(
        "records",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("form_id", sa.String(), nullable=False),
        sa.Column("form_version", sa.String(), nullable=False),
        sa.Column("village_code", sa.String(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("head_revision_id", sa.String(), nullable=False),
        sa.Column("enumerator", sa.String(), nullable=False),
        sa.Column("device_id", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["village_code"], ["villages.code"], name="fk_records_village_code_villages"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_records"),
    )
    op.create_index("ix_records_form_id", "records", ["form_id"])
    op.create_index("ix_records_status", "records", ["status"])
    op.create_index("ix_records_village_code", "records", ["village_code"])
    op.create_table(
        "revisions",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("parents", sa.Text(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("device_id", sa.String(), nullable=False),
        sa.Column("hlc", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name="fk_revisions_record_id_records"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_revisions"),
    )
    op.create_index("ix_revisions_record_id", "revisions", ["record_id"])
    op.create_table(
        "devices",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=True),
        sa.Column("is_local", sa.Boolean(), nullable=False),
        sa.Column("first_seen", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_devices"),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("device_id", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("settings")
    op.drop_table("devices")
    op.drop_index("ix_revisions_record_id", table_name="revisions")
    op.drop_table("revisions")
    op.drop_index("ix_records_village_code", table_name="records")
    op.drop_index("ix_records_status", table_name="records")
    op.drop_index("ix_records_form_id", table_name="records")
    op.drop_table("records")
    op.drop_table("villages")
    op.drop_table("form_defs")
