"""The yearly evaluation's rules: which step is possible from which state, with the reason in
ja and en; what a draft changes; the progress list a publication writes."""
from __future__ import annotations

import pytest

from ckanext.minato_plan.domain import review
from ckanext.minato_plan.domain.review import (APPROVE, APPROVED, COMMENT, DRAFT, PUBLISH,
                                               PUBLISHED, RETURN, RETURNED, SAVE, SUBMIT,
                                               SUBMITTED, ReviewError)


def test_the_cycle_from_a_new_year_to_publication_and_again():
    state = review.step(None, SAVE)
    assert state == DRAFT
    state = review.step(state, SUBMIT, drafts=1)
    assert state == SUBMITTED
    state = review.step(state, RETURN, drafts=1, note="指標を追記")
    assert state == RETURNED
    state = review.step(review.step(state, SAVE), SUBMIT, drafts=1)
    assert review.step(state, APPROVE, drafts=1) == APPROVED
    assert review.step(APPROVED, PUBLISH, drafts=1) == PUBLISHED
    assert review.step(PUBLISHED, SAVE) == DRAFT  # a correction starts the cycle again
    assert review.step(SUBMITTED, COMMENT, note="了解") == SUBMITTED


@pytest.mark.parametrize("state, name, drafts, note, ja, en", [
    (SUBMITTED, SAVE, 1, "", "審査待ち", "submitted for review"),
    (APPROVED, SAVE, 1, "", "承認済み", "cannot be edited"),
    (DRAFT, APPROVE, 1, "", "下書き", "cannot be approved"),
    (DRAFT, SUBMIT, 0, "", "下書きがありません", "no draft to submit"),
    (SUBMITTED, RETURN, 1, " ", "理由", "why"),
    (SUBMITTED, PUBLISH, 1, "", "審査待ち", "cannot be published"),
    (APPROVED, PUBLISH, 0, "", "公開する下書き", "no draft to publish"),
    (DRAFT, COMMENT, 0, "", "コメント", "comment"),
])
def test_impossible_steps_say_why_in_both_languages(state, name, drafts, note, ja, en):
    with pytest.raises(ReviewError) as err:
        review.step(state, name, drafts=drafts, note=note)
    assert ja in err.value.ja and en in err.value.en


def test_locked_years_are_submitted_and_approved_ones():
    assert [s for s in review.STATES if not review.editable(s)] == [SUBMITTED, APPROVED]
    assert review.editable(None)
    message = review.locked_message(SUBMITTED, 2025)
    assert "令和7年度" in message.ja and "FY2025" in message.en


def test_rows_pair_published_entries_with_drafts_and_name_the_changes():
    initiatives = [
        {"number": 2, "name": "p-2", "title": {"ja": "二"}, "measure_code": "1-1",
         "progress": [{"fiscal_year": 2025, "status": "in_progress", "rating": "B",
                       "summary_ja": "実施中", "summary_en": "", "sample": True}]},
        {"number": 1, "name": "p-1", "title": {"ja": "一"}, "measure_code": "1-1",
         "progress": []},
    ]
    drafts = {2: {"status": "in_progress", "rating": "A", "summary_ja": "実施中",
                  "summary_en": ""},
              1: {"status": "completed", "rating": "-", "summary_ja": "", "summary_en": ""}}
    rows = review.rows(initiatives, 2025, drafts)
    assert [r.number for r in rows] == [1, 2]
    assert rows[0].published is None and rows[0].changed_fields == ("status", "rating")
    assert rows[1].changed_fields == ("rating",)
    assert rows[1].draft["sample"] is False
    same = review.rows(initiatives[:1], 2025, {2: dict(drafts[2], rating="B")})
    assert same[0].changed_fields == ("sample",)  # published sample data becomes real


def test_published_progress_replaces_only_the_year():
    progress = [{"fiscal_year": 2023, "status": "completed", "rating": "A"},
                {"fiscal_year": 2024, "status": "in_progress", "rating": "B", "sample": True}]
    out = review.published_progress(progress, 2024, {"status": "completed", "rating": "A",
                                                     "summary_ja": "完了"})
    assert out == [progress[0], {"fiscal_year": 2024, "sample": False, "status": "completed",
                                 "rating": "A", "summary_ja": "完了", "summary_en": "",
                                 "challenges_ja": "", "challenges_en": "", "next_steps_ja": "",
                                 "next_steps_en": "", "evidence_urls": ""}]
    assert [e["fiscal_year"] for e in review.published_progress(progress, 2022, {})] == [
        2022, 2023, 2024]
