"""Plans side by side (domain/plans.py): continuity between a plan and the one before it, and
what keeps two plans of one portal from sharing a name or an identifier (pure: no CKAN)."""
import dataclasses
import pathlib

import pytest

from ckanext.minato_plan.domain import plans
from ckanext.minato_plan.domain.plan import Predecessor, load_plan, read_plan

DATA = pathlib.Path(__file__).resolve().parents[1] / "data"


def _read(name):
    return read_plan((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture
def earlier():
    return _read("fictional_earlier_plan.yaml")


@pytest.fixture
def later():
    return _read("fictional_plan.yaml")


def test_plans_are_listed_oldest_first_whatever_order_they_come_in(earlier, later):
    found = plans.PlanSet([later, load_plan(), earlier])
    assert [p.id for p in found.plans] == ["kakuu-it-plan", "minato-plan", "kakuu-dx-plan"]
    assert "minato-plan" in found and "no-such-plan" not in found
    assert found.initiative("minato-plan", 27).name == "minato-plan-initiative-27"
    assert found.initiative("minato-plan", 40) is None
    assert found.initiative("no-such-plan", 1) is None


def test_continuity_reads_both_ways(earlier, later):
    found = plans.PlanSet([earlier, later])
    [(link, before)] = found.predecessors("kakuu-dx-plan", 2)
    assert (link.relation, before.name) == ("continued", "kakuu-it-plan-initiative-01")
    [(plan_id, after, relation)] = found.successors("kakuu-it-plan", 2)
    assert (plan_id, after.number, relation) == ("kakuu-dx-plan", 4, "merged")
    assert found.successors("kakuu-it-plan", 3) == []       # ended with its plan
    assert found.predecessors("kakuu-dx-plan", 1) == []


def test_a_predecessor_whose_plan_is_not_in_the_portal_links_nothing(later):
    found = plans.PlanSet([later])
    assert found.links() == [] and found.predecessors("kakuu-dx-plan", 2) == []


def test_two_plans_of_one_municipality_with_their_own_marks_fit_side_by_side(earlier, later):
    assert plans.clashes(later, [earlier, load_plan()]) == []
    assert plans.clashes(earlier, [later, load_plan()]) == []
    assert plans.clashes(load_plan(), [earlier, later]) == []
    assert plans.clashes(later, [earlier, later]) == []     # the plan it replaces


def _english(found):
    return [c.why.en for c in found]


def test_a_plan_whose_identifiers_start_like_another_plans_is_refused(earlier, later):
    same_mark = dataclasses.replace(earlier, initiative_mark=later.initiative_mark)
    [why] = _english(plans.clashes(same_mark, [later]))
    assert "start like those of plan kakuu-dx-plan (999997JK)" in why
    assert "999997JK" in str(plans.clashes(same_mark, [later])[0])


def test_a_plan_id_that_is_another_plans_dataset_name_is_refused(earlier, later):
    named = dataclasses.replace(earlier, id="kakuu-dx-plan-initiative-01")
    assert any("is a dataset name of plan kakuu-dx-plan" in w
               for w in _english(plans.clashes(named, [later])))


def test_guideline_groups_named_like_another_plans_are_refused(earlier):
    minato_like = dataclasses.replace(
        earlier, guidelines=tuple(dataclasses.replace(g, group_name=f"guideline-{g.number}")
                                  for g in earlier.guidelines))
    [why] = _english(plans.clashes(minato_like, [load_plan()]))
    assert "guideline groups (guideline-1)" in why and "guideline_group_prefix" in why


@pytest.mark.parametrize("link, english", [
    (Predecessor("kakuu-old-plan", 1, "continued"), "no such plan here"),
    (Predecessor("kakuu-it-plan", 9, "continued"), "no such initiative"),
    (Predecessor("minato-plan", 1, "merged"), None),        # FY2021 < FY2025: earlier, allowed
])
def test_a_predecessor_must_be_an_initiative_of_an_earlier_plan_here(earlier, later, link,
                                                                     english):
    initiatives = tuple(dataclasses.replace(i, predecessors=(link,)) if i.number == 1 else i
                        for i in later.initiatives)
    changed = dataclasses.replace(later, initiatives=initiatives)
    found = _english(plans.clashes(changed, [earlier, load_plan()]))
    if english is None:
        assert found == []
    else:
        assert found == [f"initiative 1's predecessor {link.plan_id} {link.number}: {english}"]


def test_a_predecessor_in_a_plan_that_is_not_earlier_is_refused(earlier, later):
    initiatives = tuple(
        dataclasses.replace(i, predecessors=(Predecessor("kakuu-dx-plan", 1, "merged"),))
        if i.number == 3 else i for i in earlier.initiatives)
    changed = dataclasses.replace(earlier, initiatives=initiatives)
    assert _english(plans.clashes(changed, [later])) == [
        "initiative 3's predecessor kakuu-dx-plan 1: not a plan that started before this one"]


@pytest.mark.parametrize("today, expected", [
    ("2026-12-01", "minato-plan"),      # FY2026: Minato's (Kakuu's IT plan ended in FY2024)
    ("2024-06-01", "minato-plan"),      # both in their period: the first listed
    ("2027-04-01", "kakuu-dx-plan"),
    ("2031-01-01", "kakuu-dx-plan"),    # all ended: the one that ended last
    ("2019-01-01", "kakuu-it-plan"),    # none started yet: the first to start
])
def test_the_current_plan_is_the_one_in_its_period(earlier, later, today, expected):
    import datetime
    found = plans.PlanSet([load_plan(), earlier, later])
    assert found.current(datetime.date.fromisoformat(today)).id == expected


def test_a_dataset_name_tells_its_plan_and_number(earlier, later):
    found = plans.PlanSet([load_plan(), earlier, later])
    plan, number = found.of_dataset("kakuu-it-plan-initiative-03")
    assert (plan.id, number) == ("kakuu-it-plan", 3)
    assert found.of_dataset("minato-plan")[0].id == "minato-plan"
    assert found.of_dataset("minato-plan")[1] is None
    for other in ("minato-plan-initiative-40", "an-ordinary-dataset", "", None):
        assert found.of_dataset(other) is None
