"""The data the plan overview and initiative pages show (pure, no CKAN)."""
import pytest

from ckanext.minato_plan.domain import charts, labels, pages, progress
from ckanext.minato_plan.domain.plan import load_plan
from support.plan_names import by_number

FISCAL_YEARS = load_plan().fiscal_years


def test_hierarchy_has_every_guideline_measure_and_initiative_in_order(plan, initiatives):
    data = pages.build_overview(plan, reversed(initiatives))
    assert [g.number for g in data.guidelines] == [1, 2, 3, 4]
    assert [[m.code for m in g.measures] for g in data.guidelines] == [
        ["1-1", "1-2"], ["2-1"], ["3-1", "3-2", "3-3"], ["4-1", "4-2"]]
    assert [g.count for g in data.guidelines] == [16, 11, 8, 4]
    assert data.count == 39
    measure_3_3 = data.guidelines[2].measures[2]
    assert [i.number for i in measure_3_3.initiatives] == [31, 32, 33, 34, 35]
    assert measure_3_3.title.ja == plan.measure("3-3").title.ja
    item = data.guidelines[1].measures[0].initiatives[-1]
    assert (item.number, item.title["en"], item.name) == (
        27, "Promotion of open data use", "minato-plan-initiative-27")


def test_without_progress_everything_counts_as_no_record(plan, initiatives):
    data = pages.build_overview(plan, initiatives)
    assert not data.has_progress and not data.has_sample
    assert data.guidelines[0].status_counts[labels.NO_RECORD] == 16
    assert all(counts == dict(progress.count_statuses([]), no_record=39)
               for _fy, counts in data.by_fiscal_year)
    assert data.guidelines[0].measures[0].initiatives[0].latest is None


def test_latest_status_counts_and_years(plan, initiatives):
    by_number(initiatives, 1)["progress"] = [
        {"fiscal_year": 2022, "status": "completed", "rating": "A"},
        {"fiscal_year": 2021, "status": "in_progress", "rating": "B"},
    ]
    # package_search may hand repeating fields over as JSON text; sample marks as strings
    by_number(initiatives, 17)["progress"] = (
        '[{"fiscal_year": "2021", "status": "under_study", "rating": "-", "sample": "true"}]')
    data = pages.build_overview(plan, initiatives)
    first = data.guidelines[0].measures[0].initiatives[0]
    assert first.latest["fiscal_year"] == 2022 and first.latest_status == "completed"
    assert data.guidelines[0].status_counts["completed"] == 1
    assert data.guidelines[0].status_counts[labels.NO_RECORD] == 15
    assert data.guidelines[1].status_counts["under_study"] == 1
    assert data.has_progress and data.has_sample
    years = dict(data.by_fiscal_year)
    assert years[2021]["in_progress"] == 1 and years[2021]["under_study"] == 1
    assert years[2021][labels.NO_RECORD] == 37
    assert years[2022]["completed"] == 1 and years[2022][labels.NO_RECORD] == 38
    assert data.totals()["completed"] == 1 and sum(data.totals().values()) == 39


def test_bar_chart_segments_fill_each_bar_in_status_order():
    chart = charts.bar_chart([(2021, {"in_progress": 30, "not_started": 9}),
                                (2022, {labels.NO_RECORD: 39})],
                               width=500, label_width=100)
    first, second = chart.bars
    assert [s.category for s in first.segments] == ["not_started", "in_progress"]
    assert first.segments[0].x == 100
    assert sum(s.width for s in first.segments) == pytest.approx(400, abs=0.2)
    assert first.segments[1].x == pytest.approx(100 + 400 * 9 / 39, abs=0.1)
    assert first.total == 39 and second.segments[0].width == 400
    assert second.y > first.y
    assert chart.categories == ("not_started", "in_progress", labels.NO_RECORD)
    assert chart.height == 2 * chart.bar_height + 12


def test_tiny_segment_hides_its_count_but_keeps_its_bar():
    chart = charts.bar_chart([("g", {"in_progress": 200, "suspended": 1})], width=500,
                               label_width=100)
    tiny = chart.bars[0].segments[-1]
    assert tiny.width > 0 and not tiny.shows_count


def test_chart_text_colours_are_readable_on_their_fills():
    def luminance(hex_colour):
        rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for category, (fill, text) in charts.CHART_COLOURS.items():
        hi, lo = sorted([luminance(fill), luminance(text)], reverse=True)
        assert (hi + 0.05) / (lo + 0.05) >= 4.5, category
    assert set(charts.CHART_COLOURS) == set(charts.CHART_CATEGORIES)


def test_timeline_has_every_fiscal_year(initiatives):
    pkg = by_number(initiatives, 5)
    pkg["progress"] = [{"fiscal_year": 2023, "status": "completed", "rating": "A",
                        "summary_ja": "完了", "sample": True}]
    rows = pages.timeline(load_plan(), pkg)
    assert [fy for fy, _entry in rows] == list(FISCAL_YEARS)
    assert dict(rows)[2023]["status"] == "completed" and dict(rows)[2023]["sample"] is True
    assert dict(rows)[2024] is None
    assert dict(rows)[2023]["narrative"]["results"] == {"ja": "完了", "en": ""}


def test_indicator_rows_pair_targets_with_actuals():
    pkg = {"indicators": [{"name_ja": "オンライン申請件数", "name_en": "Online applications",
                           "unit": "件", "baseline": "100", "baseline_fiscal_year": "2020",
                           "target_2023": "300", "actual_2023": "280", "target_2026": "600",
                           "actual_2024": ""}]}
    (row,) = pages.indicator_rows(load_plan(), pkg)
    assert row["name"] == {"ja": "オンライン申請件数", "en": "Online applications"}
    years = {y.fiscal_year: (y.target, y.actual) for y in row["years"]}
    assert years[2023] == ("300", "280")
    assert years[2024] == (None, None) and years[2026] == ("600", None)
    by_year = {y.fiscal_year: y for y in row["years"]}
    assert str(by_year[2023].achievement.percent) == "90.0"  # (280-100)/(300-100)
    assert by_year[2023].achievement.judgement == "B"
    assert by_year[2026].achievement.percent is None and by_year[2026].achievement.judgement is None
    assert pages.indicator_rows(load_plan(), {}) == []


def test_indicator_rows_carry_kind_direction_target_year_and_the_actual_s_date_and_source():
    pkg = {"indicators": [{"name_ja": "待ち時間", "unit": "分", "kind": "outcome",
                           "direction": "lower", "target_fiscal_year": "2026"}],
           "indicator_values": [{"indicator": 1, "fiscal_year": 2024, "target": "10",
                                 "actual": "8", "as_of": "2025-03-31", "source": "窓口調査"}]}
    (row,) = pages.indicator_rows(load_plan(), pkg)
    assert (row["kind"], row["direction"], row["target_fiscal_year"]) == ("outcome", "lower", 2026)
    year = next(y for y in row["years"] if y.fiscal_year == 2024)
    assert (year.as_of, year.source) == ("2025-03-31", "窓口調査")
    assert str(year.achievement.percent) == "125.0" and year.achievement.judgement == "A"


def test_siblings_are_the_other_initiatives_of_the_measure(initiatives):
    pkg = by_number(initiatives, 32)
    others = pages.siblings(pkg, [pages.initiative_item(p) for p in reversed(initiatives)])
    assert [i.number for i in others] == [31, 33, 34, 35]


def _items(numbers):
    return [pages.InitiativeItem(number=n, name=f"i{n}", measure_code="1-1", title={},
                                 new_or_continued="new", latest=None, has_sample=False)
            for n in numbers]


def test_a_long_measure_lists_the_nearest_initiatives():
    items = _items([n for n in range(1, 41) if n != 20])
    assert [i.number for i in pages.nearest(items, 20, limit=6)] == [17, 18, 19, 21, 22, 23]
    assert [i.number for i in pages.nearest(items[1:], 1, limit=4)] == [2, 3, 4, 5]
    assert [i.number for i in pages.nearest(items[:-1], 40, limit=4)] == [36, 37, 38, 39]
    assert pages.nearest(items[:5], 20) == items[:5]


def test_an_initiative_page_counts_every_other_initiative_of_its_measure(initiatives):
    copies = [dict(by_number(initiatives, 32), name=f"copy-{n}", initiative_no=n)
              for n in range(40, 70)]
    items = [pages.initiative_item(p) for p in initiatives + copies]
    page = pages.initiative_page(load_plan(), by_number(initiatives, 32), items)
    assert page.sibling_count == 34
    assert len(page.siblings) == pages.SIBLINGS_SHOWN
    assert [i.number for i in page.siblings][:4] == [31, 33, 34, 35]


def test_structured_data_dict_is_bilingual(initiatives):
    pkg = by_number(initiatives, 32)
    out = pages.structured_data_dict(pkg)
    assert out["title"] == pkg["title_translated"]
    assert out["notes"]["en"].startswith("Initiative 32")
    assert out["language"] == ["ja", "en"]
    assert pkg["title"] == out["title"]["ja"]  # the input is left alone
