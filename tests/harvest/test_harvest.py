"""A stock CKAN 2.12 harvests this portal (see conftest.py): what a receiving catalog needs.

Each test runs once per run of :data:`conftest.RUN_IDS` (``<harvester>@<receiver>``). A check
that fails because of a limit of ckanext-dcat's parser or ckanext-harvest, or of a stock
receiver's configuration, is marked ``xfail(strict=True)`` in :data:`LIMITS` with the limit as
its reason: it is reported as an expected failure, and the day it passes (an upgrade, a fix)
the run fails until the mark is removed. A check that fails because of this portal's output is
not marked: it fails.
"""
from __future__ import annotations

import pytest

from . import checks
from .conftest import RECEIVERS, RUN_IDS

_DCAT_NAMES = (
    "ckanext-dcat 2.4.4 limit: the RDF parser never maps dct:identifier to `name`, so "
    "DCATRDFHarvester.gather_stage names every dataset _gen_new_name(title) (munge_title_to_name: "
    "Japanese titles become '38', '__-23'; English ones long slugs); no option changes it, a "
    "receiver needs an IDCATRDFHarvester.before_create hook that sets name from the identifier")
_RUN_TEST_AGAIN = (
    "ckanext-harvest 1.6.3 limit on CKAN 2.12: when a job finishes, harvest_source_reindex indexes "
    "the source unvalidated (harvest_source_show with validate=False as with_custom_schema), "
    "package_show then serves that cached dict without source_type and a second "
    "`harvester run-test` raises KeyError: 'source_type' (utils.run_test_harvester); workaround: "
    "`ckan search-index rebuild <source>` first, or gather/fetch consumers")
_STOCK_LICENCES_CKAN = (
    "receiver's licence register: the CKAN harvester copies license_id 'CC-BY-4.0', which CKAN "
    "2.12's default list lacks (isopen false); fix on the receiver: licenses_group_url with the "
    "source's licence list (the en receiver shows it)")
_DCAT_MONOLINGUAL = (
    "ckanext-dcat 2.4.4 limit: without a scheming schema with fluent *_translated fields on the "
    "receiver (_multilingual_dataset_fields() is empty), _parse_dataset_base keeps one dct:title, "
    "the receiver's default language, and drops the other")
_CKAN_DEFAULT_SCHEMA = (
    "ckanext-harvest 1.6.3 limit: HarvesterBase._create_or_update_package validates with "
    "default_create_package_schema() ('__extras': [ignore]), so title_translated and every "
    "other scheming field is dropped; a receiver keeps them only with the same dataset schemas "
    "(ckanext-scheming with the portal's initiative/plan YAML)")
_DCAT_THEMES = (
    "ckanext-dcat 2.4.4 limit: _parse_dataset_base stores dcat:theme as the 'theme' extra, a JSON "
    "list of IRIs (_object_value_list); the concepts' skos:prefLabel is never read")
_DCAT_SERIES = (
    "ckanext-dcat 2.4.4 limit: no profile parses dcat:inSeries (euro_dcat_ap_3 only serializes "
    "in_series); the membership is lost")
_CKAN_SERIES = (
    "ckanext-harvest 1.6.3 limit: only CKAN core fields survive the default schema and core "
    "CKAN has no series relation (the portal's package_show has no in_series either)")
_CKAN_TYPE = (
    "ckanext-harvest 1.6.3 limit: the CKAN harvester copies the remote `type` (initiative, plan; "
    "default schema 'type': [ignore_missing, unicode_safe]) and has no option to override it "
    "(no force_package_type in ckanharvester.py); a stock receiver has no blueprint for those "
    "types, so url_for('initiative.read') raises BuildError on the list and dataset pages")

# Failures of this portal's output, with their cause, added to the assertion message (none known).
CAUSES: dict[tuple[str, str], str] = {}

LIMITS: dict[tuple[str, str], str] = {
    **{("names", f"dcat@{r}"): _DCAT_NAMES for r in ("ja", "en")},
    ("reharvest", "dcat@ja"): _RUN_TEST_AGAIN,
    ("licences", "ckan@ja"): _STOCK_LICENCES_CKAN,
    ("titles", "ckan@en"): _CKAN_DEFAULT_SCHEMA,
    **{("languages", f"dcat@{r}"): _DCAT_MONOLINGUAL for r in ("ja", "en")},
    **{("languages", f"ckan@{r}"): _CKAN_DEFAULT_SCHEMA for r in ("ja", "en")},
    **{("theme_labels", f"dcat@{r}"): _DCAT_THEMES for r in ("ja", "en")},
    **{("series", f"dcat@{r}"): _DCAT_SERIES for r in ("ja", "en")},
    **{("series", f"ckan@{r}"): _CKAN_SERIES for r in ("ja", "en")},
    **{(page, f"ckan@{r}"): _CKAN_TYPE for r in ("ja", "en")
       for page in ("list_pages", "dataset_pages")},
}


REHARVESTED = tuple(f"{h}@{r.key}" for r in RECEIVERS.values() for h in r.reharvest)


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
    found = checks.CHECKS[check](run, source_portal)
    if found.problems:
        found.cause = CAUSES.get((check, run_id), "")
    return found


def test_every_mark_names_a_real_check_and_run():
    """A typo in LIMITS or CAUSES would silently drop an xfail mark or a cause."""
    known = set(checks.CHECKS) | {"reharvest"}
    wrong = [key for key in (*LIMITS, *CAUSES) if key[0] not in known or key[1] not in RUN_IDS]
    assert not wrong, wrong


@pytest.mark.parametrize("run_id", runs("coverage"))
def test_every_public_dataset_is_harvested_once_and_nothing_private(harvests, source_portal,
                                                                     run_id):
    found = outcome(harvests, source_portal, run_id, "coverage")
    assert found.ok, found.message("datasets harvested / public")


@pytest.mark.parametrize("run_id", runs("names"))
def test_names_are_the_source_names(harvests, source_portal, run_id):
    found = outcome(harvests, source_portal, run_id, "names")
    assert found.ok, found.message("receiver name = source name (dct:identifier)")


@pytest.mark.parametrize("run_id", runs("reharvest", only=REHARVESTED))
def test_a_source_harvests_twice_with_run_test(harvests, run_id):
    """``ckan harvester run-test`` (the harvest without queue consumers) runs again on a source
    that has been harvested once."""
    run = harvests[run_id]
    assert not run.failure, f"{run_id}: the receiver's pipeline failed: {run.failure}"
    assert run.names_after_reharvest is not None, f"{run_id} was not re-harvested"
    assert not run.reharvest_error, (
        f"the second `ckan harvester run-test minato-{run.harvester.key}` failed: "
        f"{run.reharvest_error}")


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
