"""Several plans in one portal: Minato's plan beside two plans of a fictional municipality
(tests/data: Kakuu City's FY2020–2024 plan and its FY2025–2029 successor, whose initiatives 2
and 4 carry on initiatives 1 and 2 of the earlier one), loaded by the real loader into the real
PostgreSQL, Solr and DataStore. Each plan keeps its own names, identifiers, organization, pages,
downloads, DataStore tables and DCAT; Minato's stay exactly as they are with it alone."""
from __future__ import annotations

import json
import pathlib
import re

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from ckan.plugins import toolkit as tk
from ckan.tests import factories

from ckanext.minato_plan.domain import plan_file
from ckanext.minato_plan.domain.plan import today_in_japan
from ckanext.minato_plan.logic import datastore as datastore_sync
from ckanext.minato_plan.logic import loader, plans

from dcat import shacl_gate

DATA = pathlib.Path(__file__).resolve().parents[1] / "data"
PLAN_FILES = " ".join([plan_file.EMBEDDED, str(DATA / "fictional_earlier_plan.yaml"),
                       str(DATA / "fictional_plan.yaml")])
EARLIER, LATER = "kakuu-it-plan", "kakuu-dx-plan"

pytestmark = [pytest.mark.ckan_config("ckanext.minato_plan.plan_files", PLAN_FILES),
              pytest.mark.usefixtures("with_plugins")]

_loaded: dict[str, object] = {}
STATUS_EN = {"upcoming": "Upcoming", "current": "In its period", "ended": "Ended"}


def _overview_path(plan_id: str, lang: str = "") -> str:
    """Where a plan's overview is: /plan-overview for the plan current today, else by id."""
    prefix = f"/{lang}" if lang else ""
    return (f"{prefix}/plan-overview" if plans.current().id == plan_id
            else f"{prefix}/plan-overview/{plan_id}")


def _count(fq: str) -> int:
    return tk.get_action("package_search")({"ignore_auth": True},
                                           {"fq": fq, "rows": 0})["count"]


@pytest.fixture
def three_plans(reset_db, reset_index):
    """The three plans, loaded once for this module (while nothing else changed them)."""
    newest = tk.get_action("package_search")({"ignore_auth": True}, {
        "q": "*:*", "rows": 1, "sort": "metadata_modified desc"})
    signature = (newest["count"], [r["metadata_modified"] for r in newest["results"]])
    if _loaded.get("signature") != signature:
        reset_db()
        reset_index()
        _loaded["report"] = loader.load(echo=lambda _line: None)
        newest = tk.get_action("package_search")({"ignore_auth": True}, {
            "q": "*:*", "rows": 1, "sort": "metadata_modified desc"})
        _loaded["signature"] = (newest["count"],
                                [r["metadata_modified"] for r in newest["results"]])
    return _loaded["report"]


def test_each_plan_loads_with_its_own_names_identifiers_and_organization(three_plans):
    assert three_plans.count("created", "initiative") == 39 + 3 + 5
    assert three_plans.count("created", "plan") == 3
    assert _count("+dataset_type:initiative +plan_id:minato-plan") == 39
    assert _count(f"+dataset_type:initiative +plan_id:{LATER}") == 5
    assert _count(f"+dataset_type:initiative +plan_id:{EARLIER}") == 3
    show = tk.get_action("package_show")
    minato = show({}, {"id": "minato-plan-initiative-27"})
    assert (minato["plan_id"], minato["organization"]["name"]) == ("minato-plan", "minato-city")
    kakuu = show({}, {"id": f"{LATER}-initiative-01"})
    assert (kakuu["plan_id"], kakuu["organization"]["name"], kakuu["initiative_no"]) == (
        LATER, "lg-999997", 1)
    assert kakuu["groups"][0]["name"] == f"{LATER}-guideline-1"
    # the loader leaves a second load of the same plans as it was
    lines = []
    again = loader.load(echo=lines.append)
    assert [line for line in lines if "updated" in line] == []
    assert again.count("unchanged") == len(again.unchanged) > 0
    assert again.count("created") == again.count("updated") == 0


def test_initiative_numbers_are_one_dataset_each_within_a_plan(three_plans):
    admin = factories.Sysadmin()
    copy = {"type": "initiative", "name": "copy-of-kakuu-1", "owner_org": "lg-999997",
            "plan_id": LATER, "initiative_no": 1, "guideline_no": 1, "measure_code": "1-1",
            "new_or_continued": "new", "title_translated": {"ja": "複製", "en": "Copy"}}
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("package_create")({"user": admin["name"]}, copy)
    assert f"{LATER}-initiative-01" in str(err.value.error_dict["initiative_no"])
    # numbers and fiscal years are those of the initiative's own plan
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("package_patch")({"user": admin["name"]}, {
            "id": f"{LATER}-initiative-03", "initiative_no": 6,
            "progress": [{"fiscal_year": 2024, "status": "in_progress"}]})
    assert "between 1 and 5 (got 6)" in str(err.value.error_dict["initiative_no"])
    assert "between 2025 and 2029 (got 2024)" in str(err.value.error_dict["progress"])
    saved = tk.get_action("package_patch")({"user": admin["name"]}, {
        "id": f"{LATER}-initiative-03",
        "progress": [{"fiscal_year": 2027, "status": "in_progress", "rating": "A"}]})
    assert saved["progress"][0]["fiscal_year"] == 2027
    # an initiative stays in its plan, and a plan the portal does not have is refused
    for plan_id, why in ((EARLIER, "stays in the plan it was created in"),
                         ("no-such-plan", "No plan no-such-plan here")):
        with pytest.raises(tk.ValidationError) as err:
            tk.get_action("package_patch")({"user": admin["name"]}, {
                "id": f"{LATER}-initiative-03", "plan_id": plan_id})
        assert why in str(err.value.error_dict["plan_id"])


def test_pages_show_each_plan_and_the_chain_between_plans_both_ways(app, three_plans):
    later = app.get(f"/en/initiative/{LATER}-initiative-02").get_data(as_text=True)
    assert "Kakuu City DX Promotion Plan (FY2025–FY2029) [fictional test plan]" in later
    assert f'href="{_overview_path(LATER, "en")}#guideline-1"' in later
    chain = later[later.index("Continuity between plans"):]
    assert re.search(rf'Carries on:\s*<a href="/en/initiative/{EARLIER}-initiative-01">'
                     r'Initiative 1 A new community-hall booking system</a>', chain), chain[:600]
    earlier = app.get(f"/initiative/{EARLIER}-initiative-02").get_data(as_text=True)
    assert re.search(rf'統合先:\s*<a href="/initiative/{LATER}-initiative-04">取組4 電子決裁の導入</a>',
                     earlier)
    minato = app.get("/initiative/minato-plan-initiative-27").get_data(as_text=True)
    assert "計画間のつながり" not in minato              # its plan names no predecessor
    assert f'href="{_overview_path("minato-plan")}#guideline-' in minato

    overview = app.get(f"/en/plan-overview/{LATER}").get_data(as_text=True)
    assert "Kakuu City DX Promotion Plan" in overview and "5 initiatives" in overview
    assert STATUS_EN[plans.get(LATER).status(today_in_japan())] in overview
    current = app.get("/en/plan-overview").get_data(as_text=True)
    assert plans.current().title.en in current
    listing = app.get("/en/plans").get_data(as_text=True)
    titles = re.findall(r'<h2><a href="/en/plan-overview/([a-z-]+)">', listing)
    assert titles == [LATER, "minato-plan", EARLIER]       # newest period first
    assert app.get("/plan-overview/no-such-plan", status=404)


def test_search_has_a_plan_facet_and_finds_each_plans_initiatives(app, three_plans):
    found = tk.get_action("package_search")({}, {
        "fq": "+dataset_type:initiative", "facet.field": json.dumps(["plan_id"]), "rows": 0})
    items = {i["name"]: (i["count"], i["display_name"])
             for i in found["search_facets"]["plan_id"]["items"]}
    assert items[LATER][0] == 5 and items["minato-plan"][0] == 39
    page = app.get("/en/initiative/", query_string={"q": "community hall"}).get_data(
        as_text=True)
    assert "Kakuu City DX Promotion Plan (FY2025–FY2029)" in page   # the plan facet's item
    assert f"/en/initiative/{LATER}-initiative-02" in page
    assert f"/en/initiative/{EARLIER}-initiative-01" in page


def test_downloads_and_the_datastore_hold_each_plans_own_rows(app, three_plans):
    minato = json.loads(app.get("/plan-data/structure.en.json").get_data())
    assert len(minato) == 39 and {r["lg_code"] for r in minato} == {"131032"}
    kakuu = json.loads(app.get(f"/plan-data/{LATER}/structure.en.json").get_data())
    assert [r["id"] for r in kakuu] == [f"999997JK00{n}" for n in range(1, 6)]
    assert {r["lg_code"] for r in kakuu} == {"999997"}
    earlier = app.get(f"/plan-data/{EARLIER}/structure.ja.csv")
    assert "999997JA001" in earlier.get_data().decode("utf-8-sig")
    assert f'filename="{EARLIER}-structure.ja.csv"' in earlier.headers["Content-Disposition"]
    package = json.loads(app.get(f"/plan-data/{LATER}/datapackage.json").get_data())
    structure = next(r for r in package["resources"] if r["name"] == "structure-en-csv")
    id_field = next(f for f in structure["schema"]["fields"] if f["name"] == "id")
    assert id_field["constraints"]["pattern"] == "^999997JK[0-9]{3}$"
    assert app.get("/plan-data/no-such-plan/structure.en.json", status=404)
    every = json.loads(app.get("/plan-data/all/structure.en.json").get_data())
    assert len(every) == len({r["id"] for r in every}) == 39 + 3 + 5   # ids unique across plans
    assert [r["id"] for r in every[:4]] == ["999997JA001", "999997JA002", "999997JA003",
                                            "131032JK001"]             # oldest plan first
    progress = app.get("/plan-data/all/progress.ja.csv")
    assert 'filename="all-plans-progress.ja.csv"' in progress.headers["Content-Disposition"]
    assert app.get("/plan-data/all/datapackage.json", status=404)     # constraints are per plan

    # the plan dataset's page offers its own files
    dataset = tk.get_action("package_show")({}, {"id": LATER})
    assert dataset["resources"] and all(
        r["url"].startswith(f"http://test.ckan.net/plan-data/{LATER}/")
        for r in dataset["resources"])
    page = app.get(f"/en/plan/{LATER}").get_data(as_text=True)
    assert "Kakuu City DX Promotion Plan" in page
    assert f"/plan-data/{LATER}/structure.ja.csv" in page

    for plan_id, count in (("minato-plan", 39), (LATER, 5), (EARLIER, 3)):
        resources = datastore_sync.plan_datastore_resources(plan=plans.get(plan_id))
        rows = tk.get_action("datastore_search")(
            {"ignore_auth": True}, {"resource_id": resources[("structure", "en")], "limit": 100})
        assert rows["total"] == count, plan_id


def test_the_actions_answer_for_the_plan_they_are_asked_about(three_plans):
    shown = tk.get_action("minato_plan_show")({}, {"plan_id": LATER})
    assert (shown["id"], shown["initiative_count"]) == (LATER, 5)
    assert tk.get_action("minato_plan_show")({}, {})["id"] == plans.current().id
    listed = tk.get_action("minato_plan_progress_list")({}, {"plan_id": LATER,
                                                             "initiative": "999997JK003"})
    assert all(r["initiative_id"] == "999997JK003" for r in listed["results"])
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("minato_plan_show")({}, {"plan_id": "no-such-plan"})
    assert "No plan no-such-plan here" in str(err.value.error_dict["plan_id"])


def test_dcat_gives_each_plan_its_publisher_area_and_series_with_no_shacl_violation(
        app, three_plans):
    name = f"{LATER}-initiative-02"
    graph = Graph().parse(data=app.get(f"/dataset/{name}.ttl").get_data(as_text=True),
                          format="turtle")
    dataset = URIRef(f"http://test.ckan.net/dataset/{name}")
    publishers = {str(o) for o in graph.objects(dataset, DCTERMS.publisher)}
    assert publishers == {"http://test.ckan.net/organization/lg-999997"}
    assert {str(o) for o in graph.objects(dataset, DCTERMS.spatial)} == {
        "https://example.org/area/kakuu"}
    assert {str(o) for o in graph.objects(dataset, DCAT.inSeries)} == {
        f"http://test.ckan.net/dataset/{LATER}"}
    violations = []
    paths = [f"/dataset/{n}.ttl" for n in (name, LATER, EARLIER, f"{EARLIER}-initiative-01",
                                           "minato-plan-initiative-27")] + ["/catalog.ttl"]
    for path in paths:
        data = Graph().parse(data=app.get(path).get_data(as_text=True), format="turtle")
        for shapes in (n for n in shacl_gate.ALL if "recommended" not in n):
            violations += [(path, str(r)) for r in shacl_gate.check(data, shapes)
                           if r.severity == "Violation"]
    assert violations == []
    catalog = Graph().parse(data=app.get("/catalog.ttl").get_data(as_text=True),
                            format="turtle")
    assert len(set(catalog.subjects(RDF.type, DCAT.DatasetSeries))) == 3  # one per plan
    series = Graph().parse(data=app.get(f"/dataset/{LATER}.ttl").get_data(as_text=True),
                           format="turtle")
    assert (URIRef(f"http://test.ckan.net/dataset/{LATER}"), RDF.type,
            DCAT.DatasetSeries) in series


def test_plan_files_that_would_share_a_name_are_refused_with_the_file_named():
    later = str(DATA / "fictional_plan.yaml")
    with pytest.raises(plans.PlanFilesError) as err:
        plans.read((plan_file.EMBEDDED, later, later))
    assert str(err.value).splitlines()[1].startswith(f"{later}: ")
    assert f"the plan id {LATER} is that of {later} too" in str(err.value)
    with pytest.raises(plans.PlanFilesError) as err:
        plans.read((plan_file.EMBEDDED, later))             # its predecessors' plan is missing
    assert "initiative 2's predecessor kakuu-it-plan 1: no such plan here" in str(err.value)


def test_staff_record_progress_of_the_plan_they_choose_and_only_their_own(app, three_plans):
    from support.progress_csv import build, row
    from support.staff import headers

    editor = factories.User()
    tk.get_action("organization_member_create")({"ignore_auth": True}, {
        "id": "lg-999997", "username": editor["name"], "role": "editor"})
    form = app.get(f"/en/initiative-progress/upload?plan_id={LATER}",
                   headers=headers(editor)).get_data(as_text=True)
    assert f'<option value="{LATER}" selected>' in form
    csv = build([row(3, 2026, lg_code="999997", id="999997JK003-2026", lg_name="架空市",
                     initiative_id="999997JK003", summary_ja="防災アプリを配信した")])
    context = {"user": editor["name"]}
    preview = tk.get_action("minato_plan_progress_upload_preview")(
        context, {"csv": csv, "plan_id": LATER})
    assert preview["status"] == "ready", preview["problems"]
    page = app.get(f"/en/initiative-progress/upload/{preview['token']}",
                   headers=headers(editor))
    assert page.status_code == 200                     # the preview, for Kakuu's staff
    assert "A disaster-preparedness app" in page.get_data(as_text=True)
    applied = tk.get_action("minato_plan_progress_upload_apply")(
        dict(context), {"token": preview["token"]})
    assert applied["initiatives"] == [f"{LATER}-initiative-03"]
    shown = tk.get_action("package_show")({}, {"id": f"{LATER}-initiative-03"})
    assert [(e["fiscal_year"], e["summary_ja"]) for e in shown["progress"]] == [
        (2026, "防災アプリを配信した")]
    # Kakuu's staff are not Minato's: an upload to Minato's plan is refused, with its name
    with pytest.raises(tk.NotAuthorized) as err:
        tk.get_action("minato_plan_progress_upload_preview")(
            dict(context), {"csv": csv, "plan_id": "minato-plan"})
    assert "港区（minato-city）" in str(err.value)
