"""Identifiers are built from the municipality code, the plan's initiative mark and the number,
and recognised by patterns built the same way; names come from the plan's id."""
import re

from ckanext.minato_plan.domain import identifiers as ids
from ckanext.minato_plan.domain.plan import load_plan

STEM = ids.id_stem("131032", "JK")


def test_identifiers_of_an_initiative_its_progress_and_indicators():
    assert STEM == "131032JK" == load_plan().id_stem
    assert ids.initiative_id(STEM, 27) == "131032JK027"
    assert ids.progress_row_id(STEM, 27, 2023) == "131032JK027-2023"
    assert ids.indicator_id(STEM, 27, 1) == "131032JK027-I01"
    assert ids.indicator_row_id(STEM, 27, 1, 2023) == "131032JK027-I01-2023"
    assert ids.initiative_name("minato-plan", 7) == "minato-plan-initiative-07"
    assert ids.guideline_group_name("guideline-", 2) == "guideline-2"


def test_another_plan_of_the_same_municipality_has_identifiers_of_its_own():
    # a successor plan with mark JK2: its initiative 27 is not the current plan's
    assert ids.initiative_id(ids.id_stem("131032", "JK2"), 27) == "131032JK2027"
    assert not re.fullmatch(ids.initiative_id_pattern(STEM), "131032JK2027")
    assert ids.initiative_name("minato-plan-2027", 1) == "minato-plan-2027-initiative-01"


def test_a_plan_file_without_names_gets_them_from_its_id_and_code():
    assert ids.default_organization("999997") == "lg-999997"
    assert ids.default_guideline_group_prefix("kakuu-dx-plan") == "kakuu-dx-plan-guideline-"


def test_the_plan_the_package_carries_keeps_every_name_and_identifier():
    plan = load_plan()
    assert (plan.id, plan.organization, plan.initiative_mark) == (
        "minato-plan", "minato-city", "JK")
    assert plan.initiative(27).name == "minato-plan-initiative-27"
    assert plan.initiative_id(27) == "131032JK027"
    assert [g.group_name for g in plan.guidelines] == [f"guideline-{n}" for n in range(1, 5)]


def test_patterns_accept_the_identifiers_and_nothing_else():
    for pattern, good, bad in (
            (ids.initiative_id_pattern(STEM), "131032JK027", "131033JK027"),
            (ids.progress_row_id_pattern(STEM), "131032JK027-2023", "131032JK027-23"),
            (ids.indicator_id_pattern(STEM), "131032JK027-I01", "131032JK027-I1"),
            (ids.indicator_row_id_pattern(STEM), "131032JK027-I01-2023", "131032JK027-I01")):
        assert re.fullmatch(pattern, good)
        assert not re.fullmatch(pattern, bad)


def test_an_initiative_is_named_by_number_dataset_name_or_id():
    for reference in (27, "27", "minato-plan-initiative-27", "131032JK027"):
        assert int(ids.initiative_number(reference, STEM, "minato-plan")) == 27
    assert ids.initiative_number("  ", STEM, "minato-plan") is None
