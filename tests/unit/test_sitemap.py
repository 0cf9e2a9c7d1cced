"""The sitemap document of the plan's pages (domain/sitemap.py)."""
from xml.etree import ElementTree as ET

import pytest

from ckanext.minato_plan.domain import sitemap

NS = {"s": sitemap.SITEMAP_NS, "x": sitemap.XHTML_NS}


def test_each_language_version_is_listed_with_all_alternates_and_a_default():
    page = sitemap.SitemapPage({"ja": "https://p.example/plan-overview",
                                "en": "https://p.example/en/plan-overview"},
                               "2026-12-01T20:22:09+00:00")
    root = ET.fromstring(sitemap.sitemap_xml([page]))
    urls = root.findall("s:url", NS)
    assert [u.findtext("s:loc", namespaces=NS) for u in urls] == list(page.urls.values())
    for url in urls:
        assert url.findtext("s:lastmod", namespaces=NS) == "2026-12-01T20:22:09+00:00"
        links = {l.get("hreflang"): l.get("href") for l in url.findall("x:link", NS)}
        assert links == {**page.urls, "x-default": "https://p.example/plan-overview"}


def test_addresses_are_escaped_and_a_page_without_a_date_has_no_lastmod():
    page = sitemap.SitemapPage({"ja": "https://p.example/dataset/?q=a&b=<c>"})
    document = sitemap.sitemap_xml([page])
    assert b"q=a&amp;b=&lt;c&gt;" in document
    url = ET.fromstring(document).find("s:url", NS)
    assert url.find("s:lastmod", NS) is None and url.findall("x:link", NS) == []


def test_ckan_timestamps_become_w3c_datetimes_in_utc():
    assert sitemap.w3c_datetime("2026-12-01T20:22:09.837863") == "2026-12-01T20:22:09+00:00"
    assert sitemap.w3c_datetime("2026-12-02T05:22:09+09:00") == "2026-12-01T20:22:09+00:00"
    assert sitemap.w3c_datetime("") is None and sitemap.w3c_datetime("yesterday") is None


def test_more_urls_than_the_protocol_allows_are_refused(monkeypatch):
    monkeypatch.setattr(sitemap, "MAX_URLS", 3)
    pages = [sitemap.SitemapPage({"ja": f"https://p.example/{n}", "en": f"https://p.example/en/{n}"})
             for n in range(2)]
    with pytest.raises(ValueError):
        sitemap.sitemap_xml(pages)
