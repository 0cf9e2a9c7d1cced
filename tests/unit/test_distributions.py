"""The download resources the loader keeps on the datasets (pure, milliseconds)."""
from ckanext.minato_plan.domain import distributions

SITE = "http://example.org/"


def test_plan_resources_cover_every_table_variant_package_and_dictionary():
    resources = distributions.plan_resources(SITE)
    urls = [r["url"] for r in resources]
    assert len(urls) == len(set(urls)) == 3 * 5 + 3
    assert "http://example.org/plan-data/progress.ja.cp932.csv" in urls
    assert "http://example.org/plan-data/datapackage.json" in urls
    assert "http://example.org/plan-data/columns.en.csv" in urls
    for r in resources:
        assert (r["format"], r["mimetype"]) in (("CSV", "text/csv"), ("JSON", "application/json"))
        assert " / " in r["name"] and "\n\n" in r["description"]  # Japanese, then English
    cp932 = next(r for r in resources if r["url"].endswith("progress.ja.cp932.csv"))
    assert "cp932-report.json" in cp932["description"]


def test_initiative_resources_are_its_progress_and_indicators():
    resources = distributions.initiative_resources(SITE, 27)
    assert [r["url"].rsplit("/", 3)[1:] for r in resources][:2] == [
        ["initiative", "27", "progress.ja.csv"], ["initiative", "27", "progress.ja.cp932.csv"]]
    assert len(resources) == 10
    assert resources[0]["name"].startswith("取組27の年度別進捗")


def test_only_owned_fields_decide_whether_resources_changed():
    want = distributions.plan_resources(SITE)
    have = [dict(r, id=f"id-{n}", datastore_active=True, created="2026-01-01")
            for n, r in enumerate(want)]
    assert not distributions.resources_differ(want, have)
    have[3]["url"] = "http://old.example.org/x.csv"
    assert distributions.resources_differ(want, have)
    assert distributions.resources_differ(want, have[:-1])


def test_an_update_keeps_the_ids_of_resources_with_the_same_url():
    want = distributions.plan_resources(SITE)
    have = [{"url": want[0]["url"], "id": "keep-me"}, {"url": "http://gone", "id": "old"}]
    merged = distributions.with_current_ids(want, have)
    assert merged[0]["id"] == "keep-me" and all("id" not in r for r in merged[1:])


def test_parse_plan_data_url():
    assert distributions.parse_plan_data_url(SITE + "plan-data/progress.ja.csv") == (
        None, "progress.ja.csv")
    assert distributions.parse_plan_data_url(SITE + "plan-data/initiative/7/indicators.en.json") \
        == (7, "indicators.en.json")
    assert distributions.parse_plan_data_url("http://example.org/dataset/x.csv") is None
