"""The plan file format (domain/plan_file.py): what a ward's data officer is told about a file
they wrote, and that any municipality's valid file reads as a plan (pure: no CKAN)."""
import copy
import json
import pathlib
import re

import jsonschema
import pytest

from ckanext.minato_plan.domain import identifiers, labels, plan_file, records
from ckanext.minato_plan.domain import plan as plan_model

FICTIONAL = pathlib.Path(__file__).resolve().parents[1] / "data" / "fictional_plan.yaml"


@pytest.fixture
def raw():
    return plan_file.read(plan_file.embedded_text())


def _lines(found):
    return [str(p) for p in found]


def test_the_packaged_plan_is_a_valid_plan_file(raw):
    assert plan_file.problems(raw) == []


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(plan_file.schema())


def test_every_problem_is_listed_at_once_with_path_value_and_reason(raw):
    raw["plan"]["municipality"]["code"] = 131032
    raw["plan"]["review_fiscal_year"] = 2030
    raw["plan"]["tittle"] = {"ja": "計画"}
    del raw["guidelines"][1]["measures"][0]["title"]["en"]
    raw["guidelines"][0]["measures"][0]["initiatives"][0]["type"] = "renewed"
    raw["guidelines"][0]["measures"][0]["initiatives"][1]["number"] = 1
    lines = _lines(plan_file.problems(raw))
    assert len(lines) == 7, lines
    expected = [
        "plan.municipality.code: 131032 — 6桁の数字",
        "plan.review_fiscal_year: 2030 — 計画期間（2021〜2026年度）の外です",
        "plan.tittle: {…} — この形式にない項目です",
        "guidelines[1].measures[0].title.en: (なし / missing) — 必須項目がありません",
        'guidelines[0].measures[0].initiatives[0].type: "renewed" — 次のいずれかにしてください: '
        '"new", "continued"',
        "guidelines[0].measures[0].initiatives[1].number: 1 — "
        "guidelines[0].measures[0].initiatives[0] と重複しています",
        "guidelines: \"2\" — 取組番号は1から欠番なしで付けてください（ない番号: 2）",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)
    assert all(" / " in line for line in lines)  # both languages


@pytest.mark.parametrize("change, path, english", [
    (lambda r: r["plan"]["period"].update(end_fiscal_year=2020),
     "plan.period.end_fiscal_year", "before the start year (2021)"),
    (lambda r: r["plan"]["halves"][1].update(start_fiscal_year=2023),
     "plan.halves[1]", "without overlapping"),
    (lambda r: r["plan"]["previous_projects"].update(total=28),
     "plan.previous_projects.total", "add up to 27"),
    (lambda r: r["guidelines"][0]["measures"][1].update(code="2-9"),
     "guidelines[0].measures[1].code", 'starting with "1-"'),
    (lambda r: r["guidelines"][3].update(number=5),
     "guidelines[3].number", "this one is 4"),
    (lambda r: r["plan"]["corrections"][0].update(initiative_no=40),
     "plan.corrections[0].initiative_no", "no initiative has this number"),
    (lambda r: r["plan"]["municipality"].update(code="131033"),
     "plan.municipality.code", "that of 13103 is 2"),
    (lambda r: r["plan"]["license"].update(url="creativecommons.org"),
     "plan.license.url", "starting with http"),
    (lambda r: r["plan"].update(id="Minato Plan"), "plan.id", "lower-case letters"),
    (lambda r: r["plan"].update(id="all"), "plan.id", "the downloads of every plan"),
    (lambda r: r["guidelines"][0]["measures"][0]["initiatives"][0].update(number=1000),
     "guidelines[0].measures[0].initiatives[0].number", "at most 999"),
    (lambda r: r["guidelines"][2]["measures"][0].update(initiatives=[]),
     "guidelines[2].measures[0].initiatives", "at least 1"),
    (lambda r: r["plan"]["period"].update(start_fiscal_year="2021"),
     "plan.period.start_fiscal_year", "must be an integer"),
    (lambda r: r["guidelines"][0]["title"].update(ja="  "),
     "guidelines[0].title.ja", "must not be empty"),
    (lambda r: r["guidelines"][0]["measures"][0]["initiatives"][0].update(
        predecessors=[{"plan": "minato-plan", "initiative": 2, "relation": "merged"}]),
     "guidelines[0].measures[0].initiatives[0].predecessors[0].plan", "the plan itself"),
    (lambda r: r["guidelines"][0]["measures"][0]["initiatives"][0].update(
        predecessors=[{"plan": "an-earlier-plan", "initiative": 2, "relation": "merged"}] * 2),
     "guidelines[0].measures[0].initiatives[0].predecessors[1]", "the same initiative twice"),
    (lambda r: r["guidelines"][0]["measures"][0]["initiatives"][0].update(type="new", predecessors=[
        {"plan": "an-earlier-plan", "initiative": 2, "relation": "continued"}]),
     "guidelines[0].measures[0].initiatives[0].predecessors[0].relation", "continues nothing"),
    (lambda r: r["guidelines"][0]["measures"][0]["initiatives"][0].update(predecessors=[
        {"plan": "an-earlier-plan", "initiative": 2, "relation": "renamed"}]),
     "guidelines[0].measures[0].initiatives[0].predecessors[0].relation", "one of"),
])
def test_a_mistake_is_named_where_it_is(raw, change, path, english):
    change(raw)
    found = plan_file.problems(raw)
    assert [p.path for p in found if english in p.why.en] == [path], _lines(found)


def test_a_key_written_twice_is_refused_with_its_line():
    with pytest.raises(plan_file.PlanFileError) as err:
        plan_file.read("plan:\n  id: a\n  id: b\nguidelines: []\n")
    assert str(err.value).startswith("(line 3, column 3)")
    assert "'id' twice" in str(err.value)


@pytest.mark.parametrize("text", ["plan: [\n", "- a\n- b\n", ""])
def test_text_that_is_no_plan_file_is_refused(text):
    with pytest.raises(plan_file.PlanFileError):
        plan_model.read_plan(text)


def test_the_check_digit_rule_agrees_with_real_codes():
    for code in ("131032", "131016", "131156", "131202", "011002", "472018"):
        assert plan_file.check_digit(code[:5]) == int(code[5]), code


def test_the_schema_agrees_with_the_labels_and_the_identifiers():
    initiative = plan_file.schema()["$defs"]["initiative"]["properties"]
    assert initiative["type"]["enum"] == list(labels.NEW_OR_CONTINUED)
    top = initiative["number"]["maximum"]
    pattern = identifiers.initiative_id_pattern("131032JK")
    assert re.match(pattern, identifiers.initiative_id("131032JK", top))
    assert not re.match(pattern, identifiers.initiative_id("131032JK", top + 1))


def test_another_municipalitys_plan_without_the_optional_parts_reads():
    plan = plan_model.read_plan(FICTIONAL.read_text(encoding="utf-8"))
    assert (plan.id, plan.municipality_code, plan.fiscal_years) == (
        "kakuu-dx-plan", "999997", (2025, 2026, 2027, 2028, 2029))
    assert (len(plan.guidelines), len(plan.measures), len(plan.initiatives)) == (2, 3, 5)
    assert plan.initiative(3).plan_page is None
    assert (plan.halves, plan.review_fiscal_year, plan.upper_plan, plan.previous_projects) == (
        (), None, None, None)
    # names and identifiers of its own, from its id and code (the file names none)
    assert (plan.organization, plan.initiative(1).name, plan.guidelines[1].group_name,
            plan.initiative_id(5)) == ("lg-999997", "kakuu-dx-plan-initiative-01",
                                       "kakuu-dx-plan-guideline-2", "999997JK005")
    dataset = records.plan_dataset_dict(plan)
    assert dataset["notes_translated"]["en"] == (  # what the file states, nothing more
        "Kakuu City DX Promotion Plan (FY2025–FY2029) [fictional test plan]: fiscal years 2025 "
        "to 2029, 2 guidelines, 3 measures and 5 initiatives.")
    assert dataset["provenance_translated"]["en"].startswith(
        "Source: the Kakuu City DX Promotion Plan (FY2025–FY2029)")  # no source named: the plan
    assert (dataset["first_half"], dataset["review_fiscal_year"],
            dataset["previous_projects_total"]) == (None, None, None)


def test_json_is_a_plan_file_too(raw):
    plan = plan_model.read_plan(json.dumps(raw, ensure_ascii=False))
    assert plan == plan_model.load_plan()


def test_parse_plan_refuses_what_the_file_check_refuses(raw):
    broken = copy.deepcopy(raw)
    broken["guidelines"][0]["measures"][0]["initiatives"][0]["number"] = 2
    with pytest.raises(plan_file.PlanFileError, match="without gaps"):
        plan_model.parse_plan(broken)
