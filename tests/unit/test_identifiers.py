"""Identifiers are built from the municipality code and the number, and recognised by patterns
built the same way."""
import re

from ckanext.minato_plan.domain import identifiers as ids


def test_identifiers_of_an_initiative_its_progress_and_indicators():
    assert ids.initiative_id("131032", 27) == "131032JK027"
    assert ids.progress_row_id("131032", 27, 2023) == "131032JK027-2023"
    assert ids.indicator_id("131032", 27, 1) == "131032JK027-I01"
    assert ids.indicator_row_id("131032", 27, 1, 2023) == "131032JK027-I01-2023"
    assert ids.initiative_name(7) == "minato-plan-initiative-07"
    assert ids.guideline_group_name(2) == "guideline-2"


def test_patterns_accept_the_identifiers_and_nothing_else():
    for pattern, good, bad in (
            (ids.initiative_id_pattern("131032"), "131032JK027", "131033JK027"),
            (ids.progress_row_id_pattern("131032"), "131032JK027-2023", "131032JK027-23"),
            (ids.indicator_id_pattern("131032"), "131032JK027-I01", "131032JK027-I1"),
            (ids.indicator_row_id_pattern("131032"), "131032JK027-I01-2023", "131032JK027-I01")):
        assert re.fullmatch(pattern, good)
        assert not re.fullmatch(pattern, bad)


def test_an_initiative_is_named_by_number_dataset_name_or_id():
    for reference in (27, "27", "minato-plan-initiative-27", "131032JK027"):
        assert int(ids.initiative_number(reference, "131032")) == 27
    assert ids.initiative_number("  ", "131032") is None
