"""The portal the extension is installed into keeps its ordinary datasets (type ``dataset``):
every page, for every role, answers as stock CKAN does; forms keep free-form extras; search,
organization and group pages of other departments carry no plan facets; RDF and schema.org
describe them with their own organization and none of the plan's values; the plan's types
belong to the plan's organization only, one dataset per initiative number."""
from __future__ import annotations

import collections
import json
import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

import sqlalchemy as sa

import ckan.model as model
from ckan.plugins import toolkit as tk
from ckan.tests import factories

from support import ordinary
from support.html_forms import form_data
from support.staff import headers, member


@pytest.fixture
def portal(plan_with):
    """The plan plus the ordinary datasets (made once, and again after a test changed them)."""
    return plan_with("ordinary", ordinary.create)


def _users(portal):
    return {"anonymous": None, "editor": portal["editors"]["kankyo-ka"],
            "outsider": factories.User(), "sysadmin": factories.Sysadmin()}


PAGES = ("/dataset/{name}", "/en/dataset/{name}", "/dataset/groups/{name}",
         "/dataset/activity/{name}", "/dataset/{name}/resource/{resource}",
         "/dataset/{name}.ttl", "/dataset/{name}.jsonld")


@pytest.mark.parametrize("role", ["anonymous", "editor", "outsider", "sysadmin"])
def test_every_ordinary_dataset_page_answers_for_every_role(app, portal, role):
    user = _users(portal)[role]
    failures = []
    for name, dataset in portal["datasets"].items():
        visible = not dataset.get("private") or role in ("editor", "sysadmin")
        resource = (dataset.get("resources") or [{"id": "none"}])[0]["id"]
        for page in PAGES:
            if "{resource}" in page and not dataset.get("resources"):
                continue
            url = page.format(name=name, resource=resource)
            response = app.get(url, headers=headers(user) if user else {},
                               expect_errors=True)
            # stock CKAN hides a private dataset (404) or refuses its activity page (403)
            wanted = (200,) if visible else (403, 404)
            if response.status_code not in wanted:
                failures.append((url, response.status_code, wanted))
    assert failures == []


def test_history_and_the_search_page_answer(app, portal):
    editor = portal["editors"]["kankyo-ka"]
    tk.get_action("package_patch")({"user": editor["name"]},
                                   {"id": "gomi-shushu-bi", "notes": "更新。"})
    activities = tk.get_action("package_activity_list")(
        {"user": editor["name"]}, {"id": "gomi-shushu-bi"})
    assert len(activities) >= 2
    response = app.get(f"/dataset/changes/{activities[0]['id']}", headers=headers(editor))
    assert response.status_code == 200
    for url in ("/dataset/", "/dataset/?q=ごみ", "/organization/kankyo-ka", "/group/",
                "/dataset/new"):
        assert app.get(url, headers=headers(editor)).status_code == 200, url


def test_a_form_save_keeps_the_free_form_extras(app, portal):
    editor = portal["editors"]["kankyo-ka"]
    form = app.get("/dataset/edit/gomi-shushu-bi", headers=headers(editor)).body
    data = form_data(form, "dataset-edit")
    data["notes"] = "地域ごとのごみ収集日（更新）。"
    data["save"] = ""
    response = app.post("/dataset/edit/gomi-shushu-bi", data=data, headers=headers(editor),
                        follow_redirects=False)
    assert response.status_code in (302, 303), response.body[:2000]
    after = tk.get_action("package_show")({"ignore_auth": True}, {"id": "gomi-shushu-bi"})
    assert after["notes"] == "地域ごとのごみ収集日（更新）。"
    assert {e["key"]: e["value"] for e in after["extras"]} == {"更新頻度": "毎年"}
    assert app.get("/dataset/gomi-shushu-bi").status_code == 200


def test_a_new_dataset_through_the_web_form_lands_on_its_page(app, portal):
    editor = portal["editors"]["bosai-ka"]
    form = app.get("/dataset/new", headers=headers(editor)).body
    data = form_data(form, "dataset-edit")
    data.update({"title": "津波避難ビル", "name": "tsunami-hinan-biru", "notes": "一覧。",
                 "owner_org": portal["orgs"]["bosai-ka"]["id"], "save": "continue",
                 "_ckan_phase": "dataset_new_1", "license_id": "cc-by"})
    response = app.post("/dataset/new", data=data, headers=headers(editor),
                        follow_redirects=True)
    assert response.status_code == 200
    assert tk.get_action("package_show")({"ignore_auth": True},
                                         {"id": "tsunami-hinan-biru"})["type"] == "dataset"
    assert app.get("/dataset/tsunami-hinan-biru", headers=headers(editor)).status_code == 200


def _graph(app, name):
    return Graph().parse(data=app.get(f"/dataset/{name}.ttl").body, format="turtle")


def test_rdf_of_an_ordinary_dataset_has_its_own_publisher_and_none_of_the_plans_values(
        app, portal):
    g = _graph(app, "gomi-shushu-bi")
    ref = next(g.subjects(DCTERMS.identifier, Literal("gomi-shushu-bi")))
    publishers = list(g.objects(ref, DCTERMS.publisher))
    assert [str(p) for p in publishers] == ["http://test.ckan.net/organization/kankyo-ka"]
    assert (publishers[0], FOAF.name, Literal("環境課", lang="ja")) in g
    for predicate in (DCTERMS.temporal, DCTERMS.accrualPeriodicity, DCTERMS.spatial,
                      DCAT.inSeries, DCAT.theme, DCTERMS.language):
        assert list(g.objects(ref, predicate)) == [], predicate
    assert "港区" not in {str(o) for o in g.objects(None, FOAF.name)}
    distributions = list(g.objects(ref, DCAT.distribution))
    assert len(distributions) == 2
    for distribution in distributions:
        assert list(g.objects(distribution, DCTERMS.license)) == [
            URIRef("http://www.opendefinition.org/licenses/cc-by")]


def test_schema_org_of_an_ordinary_dataset_page(app, portal):
    body = app.get("/dataset/gomi-shushu-bi").body
    start = body.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">')
    data = json.loads(body[start:body.index("</script>", start)])
    text = json.dumps(data, ensure_ascii=False)
    assert "ごみ収集日一覧" in text and "環境課" in text
    for plan_value in ("131032", "情報化指針", "2027-03-31", "C13103"):
        assert plan_value not in text, plan_value


def test_initiative_pages_keep_their_bilingual_schema_org(app, portal):
    body = app.get("/initiative/minato-plan-initiative-32").body
    start = body.index('<script type="application/ld+json">')
    block = body[start:body.index("</script>", start)]
    assert '"@language": "en"' in block and '"@language": "ja"' in block


def test_plan_facets_only_on_the_plans_search_pages(app, portal):
    for url, expected in (("/initiative/", True), ("/organization/minato-city", True),
                          ("/group/guideline-1", True), ("/organization/kankyo-ka", False),
                          ("/dataset/", False)):
        body = app.get(url).body
        assert ("情報化指針" in body and "最新の進捗状況" in body) is expected, url


def _heading(body):
    start = body.index("<h1", body.index('class="search-form'))
    return " ".join(re.sub(r"<[^>]+>", " ", body[start:body.index("</h1>", start) + 5]).split())


def test_search_counts_are_japanese_on_a_japanese_site(app, portal):
    assert re.fullmatch(r"[0-9,]+ 件のデータセットが見つかりました",
                        _heading(app.get("/dataset/").body))
    assert re.fullmatch(r"[0-9,]+ datasets found", _heading(app.get("/en/dataset/").body))
    assert "39 件の取組が見つかりました" in _heading(app.get("/initiative/").body)
    assert "39 initiatives found" in _heading(app.get("/en/initiative/").body)


def test_only_the_plans_organization_can_hold_initiatives(portal):
    editor = portal["editors"]["kankyo-ka"]
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("package_create")({"user": editor["name"]}, {
            "type": "initiative", "name": "fake-32", "title": "偽の取組",
            "owner_org": "kankyo-ka", "initiative_no": 32, "guideline_no": 3,
            "measure_code": "3-3", "new_or_continued": "new",
            "title_translated": {"ja": "偽の取組", "en": "Fake"}})
    assert "owner_org" in err.value.error_dict


def _initiative(number, name):
    return {"type": "initiative", "name": name, "title": "複製", "owner_org": "minato-city",
            "initiative_no": number, "guideline_no": 4, "measure_code": "4-2",
            "new_or_continued": "new", "title_translated": {"ja": "複製", "en": "Copy"}}


def test_a_second_dataset_for_an_initiative_number_is_refused(portal):
    admin = member("admin")
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("package_create")({"user": admin["name"]}, _initiative(39, "copy-of-39"))
    assert "initiative_no" in err.value.error_dict
    assert "minato-plan-initiative-39" in str(err.value.error_dict["initiative_no"])


def test_the_number_check_holds_its_lock_until_the_transaction_ends(portal):
    """Two creates of one number cannot both pass: the check takes a transaction-scoped lock,
    so a second transaction waits for the first to commit, then sees its dataset."""
    from ckanext.minato_plan.logic import official

    data = {("owner_org",): "minato-city", ("initiative_no",): "38", ("type",): "initiative"}
    errors = collections.defaultdict(list)
    official.minato_official(("__after",), data, errors, {"session": model.Session})
    assert "minato-plan-initiative-38" in str(errors[("initiative_no",)])
    lock = sa.text("SELECT pg_try_advisory_lock(:key)")
    with model.meta.engine.connect() as other:
        assert other.execute(lock, {"key": official._INITIATIVE_NO_LOCK}).scalar() is False
        model.Session.rollback()
        assert other.execute(lock, {"key": official._INITIATIVE_NO_LOCK}).scalar() is True
        other.execute(sa.text("SELECT pg_advisory_unlock(:key)"),
                      {"key": official._INITIATIVE_NO_LOCK})


def test_loads_show_in_the_activity_stream_under_the_loaders_account(portal):
    activities = tk.get_action("package_activity_list")(
        {"ignore_auth": True}, {"id": "minato-plan-initiative-01"})
    assert activities, "the load left no activity"
    user = model.User.get(activities[-1]["user_id"])
    assert user.name == "minato-plan-loader"


WITH_DATASET_SCHEMA = ("ckanext.minato_plan.schemas:plan.yaml "
                       "ckanext.minato_plan.schemas:initiative.yaml "
                       "ckanext.scheming:ckan_dataset.yaml")


@pytest.mark.ckan_config("scheming.dataset_schemas", WITH_DATASET_SCHEMA)
def test_a_portal_with_a_scheming_dataset_schema_serves_the_same_pages(app, plan_with):
    """The other choice a portal has: ordinary datasets under scheming's own ``dataset``
    schema (created under it). Every page still answers, and the RDF keeps the organization as
    publisher."""
    portal = plan_with("ordinary datasets under scheming's dataset schema", ordinary.create)
    failures = []
    for name, dataset in portal["datasets"].items():
        if dataset.get("private"):
            continue
        for page in ("/dataset/{name}", "/en/dataset/{name}", "/dataset/activity/{name}",
                     "/dataset/{name}.ttl"):
            url = page.format(name=name)
            status = app.get(url, expect_errors=True).status_code
            if status != 200:
                failures.append((url, status))
    assert failures == []
    g = _graph(app, "hinanjo")
    ref = next(g.subjects(DCTERMS.identifier, Literal("hinanjo")))
    assert [str(p) for p in g.objects(ref, DCTERMS.publisher)] == [
        "http://test.ckan.net/organization/bosai-ka"]


def test_renumbering_an_initiative_to_a_taken_number_is_refused(portal):
    admin = member("admin")
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("package_patch")({"user": admin["name"]}, {
            "id": "minato-plan-initiative-38", "initiative_no": 39})
    assert "minato-plan-initiative-39" in str(err.value.error_dict["initiative_no"])


def test_an_edit_that_keeps_the_number_is_not_serialised(portal):
    """The number was checked when it was given: an edit of the rest of an initiative neither
    queries for other datasets nor waits for the lock of concurrent creates."""
    from ckanext.minato_plan.logic import official

    own = model.Package.get("minato-plan-initiative-38")
    data = {("owner_org",): "minato-city", ("initiative_no",): "38", ("type",): "initiative"}
    errors = collections.defaultdict(list)
    official.minato_official(("__after",), data, errors,
                             {"session": model.Session, "package": own})
    assert not errors
    lock = sa.text("SELECT pg_try_advisory_lock(:key)")
    with model.meta.engine.connect() as other:
        assert other.execute(lock, {"key": official._INITIATIVE_NO_LOCK}).scalar() is True
        other.execute(sa.text("SELECT pg_advisory_unlock(:key)"),
                      {"key": official._INITIATIVE_NO_LOCK})
    model.Session.rollback()
