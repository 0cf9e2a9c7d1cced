"""Sample progress: fictional, marked in every row, never overriding real entries."""
import pytest

from ckanext.minato_plan.domain import sample
from ckanext.minato_plan.domain.plan import load_plan


def test_packaged_sample_is_marked_and_valid():
    entries = sample.load_sample_progress()
    assert len(entries) == 39
    assert all(e["sample"] is True for rows in entries.values() for e in rows)
    assert all("サンプル" in e["summary_ja"] and "Sample" in e["summary_en"]
               for rows in entries.values() for e in rows)


def test_unmarked_row_is_refused():
    text = ",".join(sample.COLUMNS) + "\n1,2021,in_progress,A,x,y,false\n"
    with pytest.raises(sample.SampleDataError, match="row 2: column sample must be true"):
        sample.parse_sample_progress(text, load_plan())


def test_bad_values_name_the_row():
    text = ",".join(sample.COLUMNS) + "\n1,2021,in_progress,A,x,y,true\n1,2030,in_progress,A,x,y,true\n"
    with pytest.raises(sample.SampleDataError, match="row 3: .*Fiscal year must be between"):
        sample.parse_sample_progress(text, load_plan())


def test_real_progress_wins_over_sample():
    real = [{"fiscal_year": 2022, "status": "completed", "rating": "A"}]
    fake = [{"fiscal_year": 2021, "status": "in_progress", "rating": "B", "sample": True},
            {"fiscal_year": 2022, "status": "under_study", "rating": "C", "sample": True}]
    merged = sample.merge_progress(real, fake)
    assert [(e["fiscal_year"], e["status"]) for e in merged] == [(2021, "in_progress"),
                                                                (2022, "completed")]
