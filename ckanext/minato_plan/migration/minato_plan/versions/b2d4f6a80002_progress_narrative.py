"""The yearly narrative of a draft: challenges, next steps (ja, en) and evidence links
(:data:`ckanext.minato_plan.domain.progress.NARRATIVE_FIELDS`).

Revision ID: b2d4f6a80002
Revises: a1c3e5f70001
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "b2d4f6a80002"
down_revision = "a1c3e5f70001"
branch_labels = None
depends_on = None

COLUMNS = ("challenges_ja", "challenges_en", "next_steps_ja", "next_steps_en", "evidence_urls")


def upgrade():
    for name in COLUMNS:
        op.add_column("minato_plan_progress_draft",
                      sa.Column(name, sa.UnicodeText, nullable=False, server_default=""))


def downgrade():
    for name in reversed(COLUMNS):
        op.drop_column("minato_plan_progress_draft", name)
