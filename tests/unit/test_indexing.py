"""What Solr receives for an initiative (pure: no CKAN)."""
import json

from ckanext.minato_plan.domain.indexing import index_fields


def _initiative(**extra):
    d = {"type": "initiative", "name": "minato-plan-initiative-32", "title": "テレワークの推進",
         "title_translated": json.dumps({"ja": "テレワークの推進", "en": "Promotion of telework"}),
         "extras_title_translated": "{...}"}
    d.update(extra)
    return d


def test_translated_fields_become_text_not_json():
    out = index_fields(_initiative())
    assert "title_translated" not in out and "extras_title_translated" not in out
    assert out["title_en"] == "Promotion of telework"
    assert "Promotion of telework" in out["text"]


def test_the_responsible_department_is_searchable():
    out = index_fields(_initiative(department_translated=json.dumps(
        {"ja": "情報政策課", "en": "Information Policy Division"})))
    assert "department_translated" not in out
    assert out["department_ja"] == "情報政策課"
    assert {"情報政策課", "Information Policy Division"} <= set(out["text"])


def test_progress_becomes_filterable_fields_per_year_and_latest():
    progress = [{"fiscal_year": 2021, "status": "in_progress", "rating": "A",
                 "summary_ja": "説明会を開催", "summary_en": "Held briefings"},
                {"fiscal_year": 2022, "status": "completed", "rating": "B", "sample": True}]
    out = index_fields(_initiative(progress=json.dumps(progress), extras_progress="[…]"))
    assert "progress" not in out and "extras_progress" not in out
    assert out["status_2021"] == "in_progress" and out["rating_2022"] == "B"
    assert (out["latest_fiscal_year"], out["latest_status"], out["latest_rating"]) == (
        "2022", "completed", "B")
    assert out["has_sample_progress"] == "true"
    assert "説明会を開催" in out["text"] and "Held briefings" in out["text"]


def test_indicator_names_are_searchable():
    indicators = [{"name_ja": "テレワーク実施率", "name_en": "Telework rate", "unit": "%"}]
    out = index_fields(_initiative(indicators=json.dumps(indicators)))
    assert out["indicator_count"] == "1"
    assert "テレワーク実施率" in out["text"]


def test_other_dataset_types_untouched():
    d = {"type": "dataset", "progress": "[]"}
    assert index_fields(d) == d


def test_repeating_fields_given_only_as_extras_are_indexed():
    # What CKAN 2.12 with ckanext-scheming actually hands before_dataset_index.
    progress = [{"fiscal_year": 2023, "status": "completed", "rating": "A"}]
    indicators = [{"name_ja": "公開データ数", "name_en": "Open datasets"}]
    out = index_fields(_initiative(extras_progress=json.dumps(progress),
                                   extras_indicators=json.dumps(indicators)))
    assert out["rating_2023"] == "A" and out["latest_status"] == "completed"
    assert out["progress_count"] == "1" and out["indicator_count"] == "1"
    assert "extras_progress" not in out and "Open datasets" in out["text"]
