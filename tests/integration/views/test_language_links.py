"""The language switcher links to pages of this site only, whatever the requested address
(real CKAN pages)."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckanext.minato_plan.domain.links import is_same_site_path

pytestmark = pytest.mark.usefixtures("with_plugins")


def _links(body: str) -> dict[str, str]:
    soup = BeautifulSoup(body, "html.parser")
    return {a.get_text(strip=True): a["href"]
            for nav in soup.select("nav.minato-lang") for a in nav.find_all("a")}


@pytest.mark.parametrize("path,japanese", [
    ("/en//evil.example/x", "/"),
    ("/en//evil.example", "/"),
    ("/en/\\evil.example/x", None),
    ("/en/%5C%5Cevil.example/x", None),
])
def test_language_link_of_a_crafted_address_stays_on_the_site(app, path, japanese):
    links = _links(app.get(path).body)
    assert links["日本語"]
    for href in links.values():
        assert is_same_site_path(href), href
        assert "evil.example" not in href.split("/")[1:3] and not href.startswith("//")
    if japanese is not None:
        assert links["日本語"] == japanese


def test_crafted_japanese_address_links_to_the_english_home(app):
    response = app.get("/", environ_overrides={"PATH_INFO": "//evil.example/x"})
    assert _links(response.body)["English"] == "/en/"


def test_ordinary_pages_link_to_themselves_in_the_other_language(app):
    assert _links(app.get("/en/dataset/?q=%E6%B8%AF").body)["日本語"] == "/dataset/?q=%E6%B8%AF"
    assert _links(app.get("/dataset/").body)["English"] == "/en/dataset/"
