"""The extension's own tables (created by its migrations: ``ckan db upgrade``), for the yearly
evaluation of a plan (:mod:`.domain.review`):

- ``minato_plan_evaluation``: one row per plan and fiscal year that has started, with its state;
- ``minato_plan_progress_draft``: staff's draft progress of one initiative in that year, seen
  only by the plan's staff and reviewers until the year is published;
- ``minato_plan_review_event``: every step taken (saves, submissions, returns with their note,
  comments, approvals, publications), by whom and when.
"""
from __future__ import annotations

import sqlalchemy as sa

from ckan.model.meta import metadata

evaluation = sa.Table(
    "minato_plan_evaluation", metadata,
    sa.Column("plan_id", sa.UnicodeText, primary_key=True),
    sa.Column("fiscal_year", sa.Integer, primary_key=True),
    sa.Column("state", sa.UnicodeText, nullable=False),
    sa.Column("modified", sa.DateTime, nullable=False),
    sa.Column("published", sa.DateTime),
    extend_existing=True,
)

progress_draft = sa.Table(
    "minato_plan_progress_draft", metadata,
    sa.Column("plan_id", sa.UnicodeText, primary_key=True),
    sa.Column("fiscal_year", sa.Integer, primary_key=True),
    sa.Column("initiative_no", sa.Integer, primary_key=True),
    sa.Column("status", sa.UnicodeText, nullable=False),
    sa.Column("rating", sa.UnicodeText, nullable=False),
    sa.Column("summary_ja", sa.UnicodeText, nullable=False, default=""),
    sa.Column("summary_en", sa.UnicodeText, nullable=False, default=""),
    sa.Column("challenges_ja", sa.UnicodeText, nullable=False, default=""),
    sa.Column("challenges_en", sa.UnicodeText, nullable=False, default=""),
    sa.Column("next_steps_ja", sa.UnicodeText, nullable=False, default=""),
    sa.Column("next_steps_en", sa.UnicodeText, nullable=False, default=""),
    sa.Column("evidence_urls", sa.UnicodeText, nullable=False, default=""),
    sa.Column("modified", sa.DateTime, nullable=False),
    sa.Column("modified_by", sa.UnicodeText),
    extend_existing=True,
)

review_event = sa.Table(
    "minato_plan_review_event", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_id", sa.UnicodeText, nullable=False, index=True),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("step", sa.UnicodeText, nullable=False),
    sa.Column("state", sa.UnicodeText, nullable=False),
    sa.Column("user_id", sa.UnicodeText),
    sa.Column("note", sa.UnicodeText, nullable=False, default=""),
    sa.Column("initiatives", sa.Integer, nullable=False, default=0),
    sa.Column("created", sa.DateTime, nullable=False),
    extend_existing=True,
)
