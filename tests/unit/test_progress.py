"""An initiative's progress as every output reads it: pages, tables, API, index."""
from ckanext.minato_plan.domain import progress
from ckanext.minato_plan.domain.labels import NO_RECORD
from ckanext.minato_plan.domain.plan import load_plan


def test_entries_are_read_from_a_list_or_json_oldest_first_with_plain_types():
    stored = ('[{"fiscal_year": "2024", "status": "completed", "sample": "true"},'
              ' {"fiscal_year": 2022, "status": "in_progress", "sample": false},'
              ' {"status": "no year"}, "junk"]')
    entries = progress.progress_entries({"progress": stored})
    assert [(e["fiscal_year"], e["sample"]) for e in entries] == [(2022, False), (2024, True)]


def test_a_sample_flag_stored_as_the_word_false_is_not_sample_data():
    entries = progress.progress_entries({"progress": [{"fiscal_year": 2023, "sample": "false"}]})
    assert entries[0]["sample"] is False


def test_stored_and_new_entries_compare_on_the_fields_staff_set():
    stored = {"fiscal_year": "2023", "status": "completed", "rating": None,
              "summary_ja": " 完了\r\n ", "sample": "false", "extra": 1}
    assert progress.comparable_entry(stored) == {
        "fiscal_year": 2023, "status": "completed", "rating": "", "summary_ja": "完了",
        "summary_en": "", "challenges_ja": "", "challenges_en": "", "next_steps_ja": "",
        "next_steps_en": "", "evidence_urls": "", "sample": False}


def test_evidence_links_compare_one_per_line_whatever_separated_them():
    stored = {"fiscal_year": 2023, "evidence_urls": " https://a.example/1  https://a.example/2\r\n"}
    given = {"fiscal_year": 2023, "evidence_urls": ["https://a.example/1", "https://a.example/2"]}
    assert progress.comparable_entry(stored) == progress.comparable_entry(given)
    assert progress.comparable_entry(stored)["evidence_urls"] == (
        "https://a.example/1\nhttps://a.example/2")


def test_the_narrative_gives_each_part_in_both_languages_and_the_evidence_as_a_list():
    story = progress.narrative({"summary_ja": "実績", "challenges_en": " Staffing ",
                                "next_steps_ja": "拡大", "evidence_urls": "https://a.example/r"})
    assert story == {"results": {"ja": "実績", "en": ""},
                     "challenges": {"ja": "", "en": "Staffing"},
                     "next_steps": {"ja": "拡大", "en": ""},
                     "evidence": ["https://a.example/r"]}
    assert progress.narrative({})["evidence"] == []


def test_counts_cover_every_status_and_put_unknown_ones_under_no_record():
    counts = progress.count_statuses(["completed", None, "bogus", "completed"])
    assert counts["completed"] == 2 and counts[NO_RECORD] == 2
    assert sum(counts.values()) == 4 and list(counts)[-1] == NO_RECORD


def test_arrange_places_items_by_measure_and_number_and_drops_unknown_measures():
    plan = load_plan()
    items = [{"n": 3, "m": "1-1"}, {"n": 1, "m": "1-1"}, {"n": 9, "m": "9-9"}]
    groups = progress.arrange(plan, items, lambda i: i["m"], lambda i: i["n"])
    assert [g.guideline.number for g in groups] == [g.number for g in plan.guidelines]
    first = groups[0].measures[0]
    assert first.measure.code == "1-1" and [i["n"] for i in first.items] == [1, 3]
    assert sum(len(g.items) for g in groups) == 2


# --- indicator values: one entry per indicator and fiscal year ---------------------------------

LEGACY = {"indicators": [{"name_ja": "実施率", "unit": "%", "target_2021": "10",
                          "actual_2021": "12.25", "target_2026": "1000", "actual_2024": ""},
                         {"name_ja": "件数", "actual_2023": "-2"}]}
TODAY = {"indicators": [{"name_ja": "実施率", "unit": "%"}, {"name_ja": "件数"}],
         "indicator_values": [{"indicator": 1, "fiscal_year": 2021, "target": "10",
                               "actual": "12.25"},
                              {"indicator": 1, "fiscal_year": 2026, "target": "1000"},
                              {"indicator": "2", "fiscal_year": "2023", "actual": "-2"}]}


def test_the_earlier_per_year_keys_and_todays_entries_read_the_same():
    assert progress.indicator_values(LEGACY) == progress.indicator_values(TODAY) == [
        {"indicator": 1, "fiscal_year": 2021, "target": "10", "actual": "12.25"},
        {"indicator": 1, "fiscal_year": 2026, "target": "1000"},
        {"indicator": 2, "fiscal_year": 2023, "actual": "-2"}]
    assert progress.indicators(LEGACY) == progress.indicators(TODAY) == TODAY["indicators"]


def test_indicator_years_cover_every_year_asked_for():
    years = progress.indicator_years(TODAY, [2021, 2022, 2023])
    assert [[(y.fiscal_year, y.target, y.actual) for y in row] for row in years] == [
        [(2021, "10", "12.25"), (2022, None, None), (2023, None, None)],
        [(2021, None, None), (2022, None, None), (2023, None, "-2")]]
    assert str(years[0][0].achievement.percent) == "122.5"
    assert years[0][0].achievement.judgement == "A" and years[1][2].achievement.percent is None


def test_an_entry_of_today_wins_over_an_earlier_key_of_the_same_year():
    both = dict(LEGACY, indicator_values=[{"indicator": 1, "fiscal_year": 2021, "target": "11"}])
    assert progress.indicator_values(both)[0] == {"indicator": 1, "fiscal_year": 2021,
                                                  "target": "11"}


def test_only_datasets_in_the_earlier_form_are_split():
    split = progress.split_legacy_indicators(LEGACY)
    assert split == {"indicators": TODAY["indicators"],
                     "indicator_values": progress.indicator_values(TODAY)}
    assert progress.split_legacy_indicators(TODAY) is None
    assert progress.split_legacy_indicators({"indicators": "[]"}) is None
    assert progress.split_legacy_indicators({}) is None
