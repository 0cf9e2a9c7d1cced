"""The yearly evaluation: states, drafts and review events (:mod:`ckanext.minato_plan.model`).

Revision ID: a1c3e5f70001
Revises:
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "a1c3e5f70001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "minato_plan_evaluation",
        sa.Column("plan_id", sa.UnicodeText, primary_key=True),
        sa.Column("fiscal_year", sa.Integer, primary_key=True),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
        sa.Column("published", sa.DateTime),
    )
    op.create_table(
        "minato_plan_progress_draft",
        sa.Column("plan_id", sa.UnicodeText, primary_key=True),
        sa.Column("fiscal_year", sa.Integer, primary_key=True),
        sa.Column("initiative_no", sa.Integer, primary_key=True),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("rating", sa.UnicodeText, nullable=False),
        sa.Column("summary_ja", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("summary_en", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("modified", sa.DateTime, nullable=False),
        sa.Column("modified_by", sa.UnicodeText),
    )
    op.create_table(
        "minato_plan_review_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.UnicodeText, nullable=False),
        sa.Column("fiscal_year", sa.Integer, nullable=False),
        sa.Column("step", sa.UnicodeText, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("user_id", sa.UnicodeText),
        sa.Column("note", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("initiatives", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_index("ix_minato_plan_review_event_plan_id", "minato_plan_review_event",
                    ["plan_id"])


def downgrade():
    op.drop_table("minato_plan_review_event")
    op.drop_table("minato_plan_progress_draft")
    op.drop_table("minato_plan_evaluation")
