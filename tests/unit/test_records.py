"""The CKAN records built from the plan, and change detection (pure: no CKAN)."""
from ckanext.minato_plan.domain import records
from ckanext.minato_plan.domain.plan import load_plan


def test_initiative_records_carry_the_contract_fields():
    datasets = records.initiative_dataset_dicts(load_plan())
    assert len(datasets) == 39
    first = datasets[0]
    assert first["name"] == "minato-plan-initiative-01"
    assert first["type"] == "initiative"
    assert first["title"] == first["title_translated"]["ja"] == "行政手続のオンライン化"
    assert first["title_translated"]["en"]
    assert first["notes"] == first["notes_translated"]["ja"]
    assert (first["initiative_no"], first["guideline_no"], first["measure_code"],
            first["new_or_continued"], first["plan_page"]) == (1, 1, "1-1", "continued", 48)
    assert first["groups"] == [{"name": "guideline-1"}]
    assert "progress" not in first, "the loader never overwrites recorded progress"


def test_plan_record_states_period_and_provenance():
    d = records.plan_dataset_dict(load_plan())
    assert d["name"] == "minato-plan" and d["type"] == "plan"
    assert (d["period_start"], d["period_end"]) == ("2021-04-01", "2027-03-31")
    assert d["review_fiscal_year"] == 2023
    assert d["municipality_code"] == "131032"
    assert "活用" in d["provenance_translated"]["ja"] and "Initiative 18" in d["provenance_translated"]["en"]
    assert d["provenance_translated"]["ja"].startswith(
        "出典: 港区情報化推進計画（令和3年度～令和8年度）（素案）の概要。")  # the file's source


def test_groups_one_per_guideline():
    groups = records.group_dicts(load_plan())
    assert [g["name"] for g in groups] == ["guideline-1", "guideline-2", "guideline-3", "guideline-4"]
    assert groups[0]["title"].startswith("情報化指針1 ")


def test_differs_ignores_representation_and_sees_real_changes():
    target = {"initiative_no": 1, "plan_page": None, "title_translated": {"ja": "a", "en": "b"},
              "groups": [{"name": "guideline-1"}], "owner_org": "minato-city"}
    current = {"initiative_no": "1", "plan_page": "", "title_translated": {"ja": "a", "en": "b"},
               "groups": [{"name": "guideline-1", "id": "x"}], "owner_org": "uuid",
               "organization": {"name": "minato-city", "id": "uuid"}}
    assert records.differs(target, current) == []
    current["title_translated"] = {"ja": "a", "en": "c"}
    current["groups"] = []
    assert records.differs(target, current) == ["title_translated", "groups"]
    # a description in no language is no description, however it is written
    assert records.differs({"notes_translated": {"ja": "", "en": ""}}, {"notes_translated": {}}) \
        == []
    assert records.differs({"notes_translated": {"ja": "", "en": "x"}},
                           {"notes_translated": {}}) == ["notes_translated"]
