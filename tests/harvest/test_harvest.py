"""A stock CKAN 2.12 harvests this portal (see conftest.py): what a receiving catalog needs.

Each test runs once per run of :data:`conftest.RUN_IDS` (``<harvester>@<receiver>``). A check
that fails because of a limit of ckanext-dcat's parser or ckanext-harvest (not of this portal's
output) is marked ``xfail(strict=True)`` in :data:`LIMITS` with the limit as its reason: it is
reported as an expected failure, and the day it passes (an upgrade, a fix) the run fails until
the mark is removed.
"""
from __future__ import annotations

import pytest

from . import checks
from .conftest import RECEIVERS, RUN_IDS

LIMITS: dict[tuple[str, str], str] = {}


def runs(check: str, only: tuple[str, ...] = ()) -> list:
    out = []
    for run_id in RUN_IDS:
        if only and run_id not in only:
            continue
        reason = LIMITS.get((check, run_id))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(run_id, id=run_id, marks=marks))
    return out


def outcome(harvests, source_portal, run_id: str, check: str) -> checks.Outcome:
    run = harvests[run_id]
    assert not run.failure, f"{run_id}: the receiver's pipeline failed: {run.failure}"
    return checks.CHECKS[check](run, source_portal)


@pytest.mark.parametrize("run_id", runs("coverage"))
def test_every_public_dataset_is_harvested_once_and_nothing_private(harvests, source_portal,
                                                                     run_id):
    found = outcome(harvests, source_portal, run_id, "coverage")
    assert found.ok, found.message("datasets harvested / public")


@pytest.mark.parametrize("run_id", runs("names"))
def test_names_are_the_source_names(harvests, source_portal, run_id):
    found = outcome(harvests, source_portal, run_id, "names")
    assert found.ok, found.message("receiver name = source name (dct:identifier)")


REHARVESTED = tuple(f"{h}@{r.key}" for r in RECEIVERS.values() for h in r.reharvest)


@pytest.mark.parametrize("run_id", runs("stable_names", only=REHARVESTED))
def test_names_stay_on_reharvest(harvests, source_portal, run_id):
    assert harvests[run_id].names_after_reharvest is not None, f"{run_id} was not re-harvested"
    found = outcome(harvests, source_portal, run_id, "stable_names")
    assert found.ok, found.message("names kept by a second harvest")


@pytest.mark.parametrize("run_id", runs("licences"))
def test_licences_are_known_and_open(harvests, source_portal, run_id):
    found = outcome(harvests, source_portal, run_id, "licences")
    assert found.ok, found.message("licence known to the receiver and open")


@pytest.mark.parametrize("run_id", runs("formats"))
def test_formats_are_labels(harvests, source_portal, run_id):
    found = outcome(harvests, source_portal, run_id, "formats")
    assert found.ok, found.message("resource formats as labels")


@pytest.mark.parametrize("run_id", runs("titles"))
def test_titles_in_the_receivers_default_language(harvests, source_portal, run_id):
    found = outcome(harvests, source_portal, run_id, "titles")
    assert found.ok, found.message("title in the receiver's default language")


@pytest.mark.parametrize("run_id", runs("languages"))
def test_japanese_and_english_titles_survive(harvests, source_portal, run_id):
    found = outcome(harvests, source_portal, run_id, "languages")
    assert found.ok, found.message("ja and en titles both kept")


@pytest.mark.parametrize("run_id", runs("theme_labels"))
def test_theme_labels_survive(harvests, source_portal, run_id):
    found = outcome(harvests, source_portal, run_id, "theme_labels")
    assert found.ok, found.message("a label of the theme kept")


@pytest.mark.parametrize("run_id", runs("series"))
def test_series_membership_survives(harvests, source_portal, run_id):
    found = outcome(harvests, source_portal, run_id, "series")
    assert found.ok, found.message("dcat:inSeries kept")


@pytest.mark.parametrize("run_id", runs("list_pages"))
def test_receivers_dataset_list_answers_200(harvests, source_portal, run_id):
    found = outcome(harvests, source_portal, run_id, "list_pages")
    assert found.ok, found.message("dataset list pages answering 200")


@pytest.mark.parametrize("run_id", runs("dataset_pages"))
def test_every_harvested_dataset_page_answers_200(harvests, source_portal, run_id):
    found = outcome(harvests, source_portal, run_id, "dataset_pages")
    assert found.ok, found.message("dataset pages answering 200")
