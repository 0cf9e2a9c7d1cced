"""The RDF endpoints as a client uses them: catalog and dataset serializations, content
negotiation on the dataset pages of our types, and catalog paging with Hydra."""
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

DCAT = Namespace("http://www.w3.org/ns/dcat#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SITE = "http://test.ckan.net"

FORMATS = {  # endpoint suffix -> (Content-Type, rdflib parser)
    "ttl": ("text/turtle", "turtle"),
    "rdf": ("application/rdf+xml", "xml"),
    "xml": ("application/rdf+xml", "xml"),
    "jsonld": ("application/ld+json", "json-ld"),
}


def _graph(response, fmt):
    return Graph().parse(data=response.get_data(as_text=True), format=fmt)


def _datasets(graph):
    return set(graph.subjects(RDF.type, DCAT.Dataset))


@pytest.mark.usefixtures("loaded_plan")
class TestEndpoints:

    @pytest.mark.parametrize("suffix", ["ttl", "rdf", "jsonld", "xml"])
    def test_catalog_in_every_format(self, app, suffix):
        response = app.get(f"/catalog.{suffix}")
        content_type, parser = FORMATS[suffix]
        assert response.status_code == 200
        assert response.headers["Content-Type"] == content_type
        graph = _graph(response, parser)
        assert (URIRef(SITE), RDF.type, DCAT.Catalog) in graph
        assert len(_datasets(graph)) == 40

    @pytest.mark.parametrize("suffix", ["ttl", "rdf", "jsonld"])
    @pytest.mark.parametrize("path", ["/dataset/{name}", "/initiative/{name}"])
    def test_initiative_in_every_format(self, app, path, suffix):
        name = "minato-plan-initiative-07"
        response = app.get(path.format(name=name) + f".{suffix}")
        content_type, parser = FORMATS[suffix]
        assert response.status_code == 200
        assert response.headers["Content-Type"] == content_type
        assert _datasets(_graph(response, parser)) == {URIRef(f"{SITE}/dataset/{name}")}

    def test_plan_by_id_and_on_its_own_page(self, app):
        from ckan.plugins import toolkit as tk

        plan_id = tk.get_action("package_show")({}, {"id": "minato-plan"})["id"]
        for path in (f"/dataset/{plan_id}.ttl", "/plan/minato-plan.ttl"):
            graph = _graph(app.get(path), "turtle")
            # the IRI is by name either way
            assert (URIRef(f"{SITE}/dataset/minato-plan"), RDF.type, DCAT.DatasetSeries) in graph

    def test_unknown_dataset_and_format(self, app):
        assert app.get("/dataset/minato-plan-initiative-99.ttl").status_code == 404
        assert app.get("/initiative/minato-plan-initiative-99.ttl").status_code == 404
        assert app.get("/initiative/minato-plan-initiative-07.exe").status_code == 404

    def test_distribution_iris_redirect_to_the_resource_page(self, app):
        graph = _graph(app.get("/dataset/minato-plan.ttl"), "turtle")
        distributions = set(graph.objects(URIRef(f"{SITE}/dataset/minato-plan"),
                                          DCAT.distribution))
        assert distributions
        for iri in distributions:
            assert str(iri).startswith(f"{SITE}/distribution/")
        resource_id = str(next(iter(distributions))).rsplit("/", 1)[-1]
        response = app.get(f"/distribution/{resource_id}", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["Location"] == (
            f"{SITE}/plan/minato-plan/resource/{resource_id}")
        assert app.get("/distribution/no-such-resource").status_code == 404

    @pytest.mark.parametrize("path", ["/dataset/minato-plan-initiative-07",
                                      "/initiative/minato-plan-initiative-07",
                                      "/plan/minato-plan"])
    def test_content_negotiation_on_dataset_pages(self, app, path):
        turtle = app.get(path, headers={"Accept": "text/turtle"})
        assert turtle.status_code == 200
        assert turtle.headers["Content-Type"] == "text/turtle"
        assert "Accept" in turtle.headers.get("Vary", "")
        assert len(_datasets(_graph(turtle, "turtle"))) == 1
        jsonld = app.get(path, headers={"Accept": "application/ld+json"})
        assert jsonld.headers["Content-Type"] == "application/ld+json"
        page = app.get(path, headers={"Accept": "text/html,application/xhtml+xml"})
        assert page.status_code == 200
        assert page.headers["Content-Type"].startswith("text/html")
        assert "Accept" in page.headers.get("Vary", "")

    @pytest.mark.parametrize("dataset_type", ["initiative", "plan"])
    def test_new_dataset_forms_are_not_taken_by_content_negotiation(self, app, dataset_type):
        from ckan.tests import factories

        sysadmin = factories.SysadminWithToken()
        response = app.get(f"/{dataset_type}/new",
                           headers={"Authorization": sysadmin["token"]})
        assert response.status_code == 200
        assert 'id="dataset-edit"' in response.get_data(as_text=True)

    def test_content_negotiation_on_the_home_page(self, app):
        catalog = app.get("/", headers={"Accept": "text/turtle"})
        assert catalog.headers["Content-Type"] == "text/turtle"
        assert len(_datasets(_graph(catalog, "turtle"))) == 40
        assert app.get("/").headers["Content-Type"].startswith("text/html")

    @pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "15")
    def test_catalog_pages_with_hydra(self, app):
        seen = set()
        url, pages = "/catalog.ttl", 0
        while url:
            graph = _graph(app.get(url), "turtle")
            pages += 1
            page_datasets = _datasets(graph)
            assert len(page_datasets) == (15 if pages < 3 else 10)
            seen |= page_datasets
            collection = next(graph.subjects(RDF.type, HYDRA.PagedCollection))
            assert int(graph.value(collection, HYDRA.totalItems)) == 40
            assert int(graph.value(collection, HYDRA.itemsPerPage)) == 15
            assert str(graph.value(collection, HYDRA.last)).endswith("/catalog.ttl?page=3")
            following = graph.value(collection, HYDRA.next)
            url = str(following).replace(SITE, "") if following else None
        assert pages == 3
        assert len(seen) == 40
