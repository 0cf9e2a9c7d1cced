"""The loader against the real portal stack: creates everything, changes nothing the second time,
writes nothing on a dry run, and never touches progress recorded by staff."""
import pytest

from ckan.plugins import toolkit as tk

from ckanext.minato_plan.logic import loader


def _quiet(_line):
    pass


def _as_site():
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"]}


def _initiatives():
    return tk.get_action("package_search")(
        {}, {"fq": "dataset_type:initiative", "rows": 100})


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestLoader:

    def test_first_run_creates_everything(self):
        report = loader.load(echo=_quiet)
        assert report.summary("initiative") == "39 created, 0 updated, 0 unchanged"
        assert report.count("created") == 45  # organization, 4 groups, plan, 39 initiatives
        org = tk.get_action("organization_show")({}, {"id": "minato-city"})
        assert org["title"] == "港区"
        assert org["package_count"] == 40
        groups = tk.get_action("group_list")({}, {"all_fields": True})
        # each group: its guideline's initiatives and the plan, which spans every guideline
        assert {g["name"]: g["package_count"] for g in groups} == {
            "guideline-1": 16 + 1, "guideline-2": 11 + 1, "guideline-3": 8 + 1,
            "guideline-4": 4 + 1}
        assert _initiatives()["count"] == 39
        plan = tk.get_action("package_show")({}, {"id": "minato-plan"})
        assert plan["type"] == "plan" and plan["review_fiscal_year"] == 2023

    def test_second_run_changes_nothing(self):
        loader.load(echo=_quiet)
        before = tk.get_action("package_show")({}, {"id": "minato-plan-initiative-05"})
        report = loader.load(echo=_quiet)
        assert report.summary("initiative") == "0 created, 0 updated, 39 unchanged"
        assert report.summary() == "0 created, 0 updated, 45 unchanged"
        after = tk.get_action("package_show")({}, {"id": "minato-plan-initiative-05"})
        assert after["metadata_modified"] == before["metadata_modified"]

    def test_dry_run_writes_nothing(self):
        lines = []
        report = loader.load(dry_run=True, echo=lines.append)
        assert report.summary("initiative") == "[dry run] 39 created, 0 updated, 0 unchanged"
        assert any("would create" in line for line in lines)
        assert _initiatives()["count"] == 0
        with pytest.raises(tk.ObjectNotFound):
            tk.get_action("organization_show")({}, {"id": "minato-city"})

    def test_drifted_record_is_restored_and_reported(self):
        loader.load(echo=_quiet)
        tk.get_action("package_patch")(
            _as_site(), {"id": "minato-plan-initiative-10", "measure_code": "1-1"})
        lines = []
        report = loader.load(echo=lines.append)
        assert report.summary("initiative") == "0 created, 1 updated, 38 unchanged"
        assert any("minato-plan-initiative-10: updated (measure_code)" in line for line in lines)
        shown = tk.get_action("package_show")({}, {"id": "minato-plan-initiative-10"})
        assert shown["measure_code"] == "1-2"

    def test_recorded_progress_survives_a_reload(self):
        loader.load(echo=_quiet)
        progress = [{"fiscal_year": 2022, "status": "completed", "rating": "A",
                     "summary_ja": "全手続をオンライン化", "summary_en": "All procedures online"}]
        tk.get_action("package_patch")(
            _as_site(),
            {"id": "minato-plan-initiative-01", "progress": progress})
        report = loader.load(echo=_quiet)
        assert report.count("updated") == 0
        shown = tk.get_action("package_show")({}, {"id": "minato-plan-initiative-01"})
        assert shown["progress"][0]["summary_ja"] == "全手続をオンライン化"

    def test_sample_progress_only_on_request_and_marked(self):
        loader.load(echo=_quiet)
        assert not tk.get_action("package_show")({}, {"id": "minato-plan-initiative-02"}).get(
            "progress")
        real = [{"fiscal_year": 2021, "status": "completed", "rating": "A"}]
        tk.get_action("package_patch")(_as_site(),
                                       {"id": "minato-plan-initiative-02", "progress": real})
        report = loader.load(sample_progress=True, echo=_quiet)
        assert report.summary("initiative") == "0 created, 39 updated, 0 unchanged"
        shown = tk.get_action("package_show")({}, {"id": "minato-plan-initiative-02"})
        years = {e["fiscal_year"]: e for e in shown["progress"]}
        assert years[2021]["status"] == "completed" and not years[2021].get("sample")
        assert years[2022]["sample"] is True and "サンプル" in years[2022]["summary_ja"]
        again = loader.load(sample_progress=True, echo=_quiet)
        assert again.summary("initiative") == "0 created, 0 updated, 39 unchanged"
        found = tk.get_action("package_search")({}, {"fq": "has_sample_progress:true",
                                                     "rows": 0})
        assert found["count"] == 39

    def test_invalid_plan_writes_nothing(self, monkeypatch):
        from ckanext.minato_plan.domain import records

        original = records.initiative_dataset_dicts

        def broken(plan, organization):
            datasets = original(plan, organization)
            datasets[6]["measure_code"] = "9-9"
            return datasets

        monkeypatch.setattr(records, "initiative_dataset_dicts", broken)
        with pytest.raises(loader.PlanValidationError) as err:
            loader.load(echo=_quiet)
        assert "minato-plan-initiative-07" in str(err.value)
        assert "Measure code must be one of" in str(err.value)
        assert _initiatives()["count"] == 0
        with pytest.raises(tk.ObjectNotFound):
            tk.get_action("organization_show")({}, {"id": "minato-city"})
