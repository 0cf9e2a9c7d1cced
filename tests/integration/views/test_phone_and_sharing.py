"""What a resident on a phone and a shared link get, from the real CKAN app: the description,
canonical URL, language alternates and OpenGraph/Twitter card tags of each page in its language
(with an image that exists at the size announced); the plan's downloads as one matrix with a
"which file?" guide; the ward's name as the header's logo; the plan's dataset pages with their
own content before CKAN's sidebar; gzip-compressed text responses and long-lived caching of
CKAN's fingerprinted webassets (middleware.py)."""
from __future__ import annotations

import gzip
import re
import struct

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories

from support.staff import headers

SITE = "http://test.ckan.net"  # test.ini's ckan.site_url
TABLES = ("structure", "progress", "indicators")
VARIANTS = ("ja.csv", "ja.cp932.csv", "en.csv", "ja.json", "en.json")

pytestmark = pytest.mark.usefixtures("loaded_plan")


def _soup(app, url):
    response = app.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.body, "html.parser")


def _text(node):
    return " ".join(node.get_text(" ").split())


def _meta(soup, key):
    """The contents of every <meta property=key> or <meta name=key>."""
    return [m["content"] for m in soup.select(f"meta[property='{key}'], meta[name='{key}']")]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


class TestSharedLinks:

    def test_overview_in_japanese_has_description_canonical_alternates_and_cards(self, app):
        soup = _soup(app, "/plan-overview")
        description = _meta(soup, "description")
        assert len(description) == 1 and description[0].startswith("区政を円滑に運営していく")
        assert soup.select_one("link[rel=canonical]")["href"] == f"{SITE}/plan-overview"
        alternates = {link["hreflang"]: link["href"]
                      for link in soup.select("link[rel=alternate][hreflang]")}
        assert alternates == {"ja": f"{SITE}/plan-overview", "en": f"{SITE}/en/plan-overview",
                              "x-default": f"{SITE}/plan-overview"}
        assert _meta(soup, "og:title") == ["計画の概要 - 港区情報化推進計画 オープンデータ"]
        assert _meta(soup, "og:description") == description
        assert _meta(soup, "og:url") == [f"{SITE}/plan-overview"]
        assert _meta(soup, "og:locale") == ["ja_JP"]
        assert _meta(soup, "og:image") == [f"{SITE}/minato_plan/og-image.png"]
        assert _meta(soup, "twitter:card") == ["summary_large_image"]
        assert _meta(soup, "twitter:title") == _meta(soup, "og:title")
        assert _meta(soup, "twitter:image") == _meta(soup, "og:image")
        assert _meta(soup, "og:image:alt") == ["港区 情報化推進計画"]

    def test_overview_in_english_is_described_in_english(self, app):
        soup = _soup(app, "/en/plan-overview")
        assert _meta(soup, "description")[0].startswith("A plan to actively advance the ward")
        assert soup.select_one("link[rel=canonical]")["href"] == f"{SITE}/en/plan-overview"
        assert _meta(soup, "og:title") == ["Plan overview - 港区情報化推進計画 オープンデータ"]
        assert _meta(soup, "og:locale") == ["en_US"]
        assert _meta(soup, "og:image:alt") == ["Minato City Informatization Promotion Plan"]

    def test_the_shared_image_exists_at_the_size_the_tags_announce(self, app):
        soup = _soup(app, "/plan-overview")
        path = _meta(soup, "og:image")[0][len(SITE):]
        response = app.get(path)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "image/png"
        width, height = _png_size(response.data)
        assert (str(width), str(height)) == (_meta(soup, "og:image:width")[0],
                                             _meta(soup, "og:image:height")[0]) == ("1200", "630")

    @pytest.mark.parametrize("url, title, description", [
        ("/initiative/minato-plan-initiative-32", "テレワークの推進",
         "港区情報化推進計画（令和3年度～令和8年度）の取組32（新規）。"),
        ("/en/initiative/minato-plan-initiative-32", "Promotion of telework",
         "Initiative 32 (new) of the Minato City Informatization Promotion Plan"),
        ("/plan/minato-plan", "港区情報化推進計画（令和3年度～令和8年度）", "区政を円滑に運営"),
    ])
    def test_dataset_pages_carry_one_set_of_tags_in_their_language(self, app, url, title,
                                                                     description):
        soup = _soup(app, url)
        assert _text(soup.title) == f"{title} - 港区情報化推進計画 オープンデータ"
        for key in ("og:title", "og:description", "og:url", "og:image", "description",
                    "twitter:card", "twitter:title", "twitter:description"):
            assert len(_meta(soup, key)) == 1, key
        assert _meta(soup, "og:title") == [f"{title} - 港区情報化推進計画 オープンデータ"]
        assert _meta(soup, "description")[0].startswith(description)
        assert _meta(soup, "og:description")[0].startswith(description)
        assert soup.select_one("link[rel=canonical]")["href"] == SITE + url

    def test_an_ordinary_dataset_keeps_ckans_tags_once(self, app):
        org = factories.Organization()
        dataset = factories.Dataset(owner_org=org["id"], title="駐輪場の一覧",
                                    notes="区内の駐輪場の所在地と収容台数。")
        soup = _soup(app, f"/dataset/{dataset['name']}")
        assert _meta(soup, "og:title") == ["駐輪場の一覧 - 港区情報化推進計画 オープンデータ"]
        assert _meta(soup, "og:description") == ["区内の駐輪場の所在地と収容台数。"]
        assert _meta(soup, "description") == ["区内の駐輪場の所在地と収容台数。"]
        # CKAN's own layout: its sidebar first in the page, no plan downloads
        wrapper = soup.select_one(".row.wrapper")
        assert [c.name for c in wrapper.find_all(recursive=False)][:2] == ["aside", "div"]
        assert "minato-aside-after" not in wrapper["class"]
        assert soup.select_one(".minato-download-matrix") is None


class TestHeaderAndLayout:

    @pytest.mark.parametrize("url, ward, plan", [
        ("/", "港区", "情報化推進計画"),
        ("/plan-overview", "港区", "情報化推進計画"),
        ("/en/dataset/", "Minato City", "Informatization Promotion Plan"),
    ])
    def test_the_header_names_the_wards_plan_portal_in_the_pages_language(self, app, url,
                                                                           ward, plan):
        soup = _soup(app, url)
        logo = soup.select_one("header.masthead a.minato-logo")
        assert _text(logo.select_one(".minato-logo-ward")) == ward
        assert _text(logo.select_one(".minato-logo-name")) == plan
        assert soup.select_one("header.masthead img[src*=ckan-logo]") is None

    @pytest.mark.parametrize("url", ["/initiative/minato-plan-initiative-32",
                                     "/plan/minato-plan"])
    def test_plan_datasets_put_their_content_before_ckans_sidebar(self, app, url):
        soup = _soup(app, url)
        wrapper = soup.select_one(".row.wrapper")
        children = wrapper.find_all(recursive=False)
        assert [c.name for c in children] == ["div", "aside"]
        assert children[0]["role"] == "main" and children[0].h1 is not None
        assert "minato-aside-after" in wrapper["class"]
        assert "フォロワー" in _text(children[1])  # CKAN's sidebar is still there, after
        folded = children[0].select_one("details.minato-additional-info")
        assert _text(folded.summary) and not folded.has_attr("open")  # folded, with a label
        assert folded.select_one("section.additional-info table") is not None


    @pytest.mark.parametrize("url", ["/initiative/minato-plan-initiative-32",
                                     "/plan/minato-plan"])
    def test_a_resident_loads_bootstrap_only_and_keeps_the_structured_data(self, app, url):
        soup = _soup(app, url)
        scripts = [s["src"] for s in soup.select("script[src]")]
        assert any("bootstrap" in src for src in scripts)
        assert not any(re.search(r"_(main|ckan|vendor)\.js", src) for src in scripts), scripts
        assert soup.select_one('script[type="application/ld+json"]') is not None

    def test_staff_keep_ckans_scripts_on_the_plans_pages(self, app):
        user = factories.User()
        soup = BeautifulSoup(app.get("/initiative/minato-plan-initiative-32",
                                     headers=headers(user)).body, "html.parser")
        scripts = [s["src"] for s in soup.select("script[src]")]
        assert any(re.search(r"_main\.js", src) for src in scripts), scripts
        assert soup.select_one('script[type="application/ld+json"]') is not None

    def test_an_ordinary_dataset_page_keeps_ckans_scripts(self, app):
        dataset = factories.Dataset(owner_org=factories.Organization()["id"])
        soup = _soup(app, f"/dataset/{dataset['name']}")
        scripts = [s["src"] for s in soup.select("script[src]")]
        assert any(re.search(r"_main\.js", src) for src in scripts), scripts

    @pytest.mark.parametrize("url", ["/dataset/?q=%E6%8E%A8%E9%80%B2", "/initiative/"])
    def test_the_phones_filter_links_have_targets(self, app, url):
        # "Filter Results" and its close link work without scripts and can be followed
        soup = _soup(app, url)
        assert soup.select_one("a.show-filters")["href"] == "#search-facets"
        assert soup.select_one("#search-facets a.hide-filters")["href"] == "#content"
        assert soup.select_one("#content") is not None

    def test_the_plans_pages_share_as_text_links_with_line(self, app):
        soup = _soup(app, "/initiative/minato-plan-initiative-32")
        links = soup.select(".minato-share a")
        assert [_text(a) for a in links] == ["LINE", "X", "Facebook"]
        assert all("minato-plan-initiative-32" in a["href"] for a in links)
        assert soup.select_one(".minato-share .fa-brands") is None
        ordinary = factories.Dataset(owner_org=factories.Organization()["id"])
        assert _soup(app, f"/dataset/{ordinary['name']}").select_one(".social .fa-brands")


class TestDownloads:

    def _matrix(self, soup):
        table = soup.select_one("table.minato-download-matrix")
        headers = [_text(th) for th in table.select("thead th")]
        rows = table.select("tbody tr")
        return table, headers, rows

    @pytest.mark.parametrize("url", ["/plan-overview", "/plan/minato-plan"])
    def test_one_matrix_of_tables_and_formats_with_a_guide(self, app, url):
        soup = _soup(app, url)
        table, headers, rows = self._matrix(soup)
        assert headers == ["データ形式", "計画体系", "年度別進捗", "指標"]
        assert [_text(r.th) for r in rows] == [
            "CSV・UTF-8（BOM付き）・日本語見出し", "CSV・Shift_JIS（cp932）・日本語見出し",
            "CSV・UTF-8（BOM付き）・英語見出し", "JSON・日本語の値", "JSON・英語の値とコード"]
        hrefs = [[a["href"] for a in r.select("td a")] for r in rows]
        assert hrefs == [[f"{SITE}/plan-data/{t}.{v}" for t in TABLES] for v in VARIANTS]
        assert [_text(a) for a in rows[1].select("td a")] == [
            "CSV 計画体系（CSV・Shift_JIS（cp932）・日本語見出し）",
            "CSV 年度別進捗（CSV・Shift_JIS（cp932）・日本語見出し）",
            "CSV 指標（CSV・Shift_JIS（cp932）・日本語見出し）"]
        guide = _text(soup.select_one(".minato-which-file"))
        assert "Shift_JIS" in guide and "JSON" in guide and "package_search" in guide
        others = [a["href"] for a in soup.select(".minato-downloads-other a")]
        assert others == [f"{SITE}/plan-data/datapackage.json",
                          f"{SITE}/plan-data/columns.ja.csv", f"{SITE}/plan-data/columns.en.csv"]

    def test_every_matrix_link_downloads(self, app):
        _table, _headers, rows = self._matrix(_soup(app, "/plan-overview"))
        for a in [a for r in rows for a in r.select("td a")]:
            response = app.get(a["href"][len(SITE):])
            assert response.status_code == 200, a["href"]

    def test_the_overview_links_the_full_list_and_the_plan_page_keeps_it(self, app):
        overview = _soup(app, "/plan-overview")
        assert overview.select_one(".minato-all-files a")["href"] == "/plan/minato-plan"
        # downloads come after the progress, no longer first
        headings = [h["id"] for h in overview.select("h2[id]")]
        assert headings.index("progress-heading") < headings.index("downloads-heading")
        plan = _soup(app, "/plan/minato-plan")
        assert plan.select_one(".minato-all-files a")["href"] == "#dataset-resources"
        assert len(plan.select("#dataset-resources .resource-item")) == 18

    def test_english_matrix(self, app):
        _table, headers, rows = self._matrix(_soup(app, "/en/plan-overview"))
        assert headers[1:] == ["Plan structure", "Yearly progress", "Indicators"]
        assert _text(rows[4].th) == "JSON, English values and codes"


class TestCompressionAndCaching:

    def test_pages_are_gzip_compressed_for_clients_that_accept_it(self, app):
        plain = app.get("/plan-overview")
        assert "Content-Encoding" not in plain.headers
        response = app.get("/plan-overview", headers={"Accept-Encoding": "gzip, deflate, br"})
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response.headers["Vary"]
        assert "Cookie" in response.headers["Vary"]  # CKAN's own Vary is kept
        body = gzip.decompress(response.data)
        assert len(response.data) < len(body) / 4
        soup = BeautifulSoup(body, "html.parser")
        assert _text(soup.h1) == "港区情報化推進計画（令和3年度～令和8年度）"

    def test_refused_gzip_and_small_answers_are_sent_as_they_are(self, app):
        refused = app.get("/plan-overview", headers={"Accept-Encoding": "gzip;q=0, *"})
        assert "Content-Encoding" not in refused.headers
        assert "Accept-Encoding" in refused.headers["Vary"]
        small = app.get("/api/3/action/status_show", headers={"Accept-Encoding": "gzip"})
        assert len(small.data) < 1024
        assert "Content-Encoding" not in small.headers

    def test_a_streamed_download_decompresses_to_the_same_bytes(self, app):
        plain = app.get("/plan-data/progress.ja.cp932.csv").data
        response = app.get("/plan-data/progress.ja.cp932.csv",
                           headers={"Accept-Encoding": "gzip"})
        assert response.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.data) == plain
        assert response.headers["Content-Type"].startswith("text/csv")

    def test_fingerprinted_webassets_are_cached_for_a_year_compressed(self, app):
        soup = _soup(app, "/plan-overview")
        css = [link["href"] for link in soup.select("link[rel=stylesheet]")]
        ours = next(href for href in css if "minato_plan" in href)
        assert re.search(r"/webassets/ckanext-minato_plan/[0-9a-f]{8}_minato_plan\.css$", ours)
        for href in css:
            response = app.get(href, headers={"Accept-Encoding": "gzip"})
            assert response.status_code == 200, href
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        response = app.get(ours, headers={"Accept-Encoding": "gzip"})
        assert response.headers["Content-Encoding"] == "gzip"
        assert b".minato-logo" in gzip.decompress(response.data)
        # a revalidation of the compressed copy still gets 304
        again = app.get(ours, headers={"Accept-Encoding": "gzip",
                                       "If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304

    def test_fingerprinted_webassets_are_sent_at_the_smallest_gzip_level(self, app):
        # a phone on a slow line loads CKAN's CSS and scripts before it paints: they are
        # compressed once at level 9 (a quarter smaller than level 1), pages stay at level 1
        href = next(link["href"] for link in _soup(app, "/plan-overview").select(
            "link[rel=stylesheet]") if "/base/" in link["href"])
        first = app.get(href, headers={"Accept-Encoding": "gzip"})
        css = gzip.decompress(first.data)
        assert len(first.data) == len(gzip.compress(css, compresslevel=9, mtime=0))
        assert len(first.data) < 0.8 * len(gzip.compress(css, compresslevel=1, mtime=0))
        again = app.get(href, headers={"Accept-Encoding": "gzip"})
        assert again.data == first.data
        plain = app.get(href)
        assert "Content-Encoding" not in plain.headers and plain.data == css

    def test_files_without_a_fingerprint_keep_ckans_cache_header(self, app):
        response = app.get("/minato_plan/og-image.png")
        assert "immutable" not in (response.headers.get("Cache-Control") or "")
        assert "Content-Encoding" not in response.headers

    @pytest.mark.ckan_config("ckanext.minato_plan.compress.level", "9")
    def test_the_compression_level_is_the_configured_one(self, app):
        response = app.get("/plan-overview", headers={"Accept-Encoding": "gzip"})
        page = gzip.decompress(response.data)
        assert b"</html>" in page
        assert len(response.data) == len(gzip.compress(page, compresslevel=9, mtime=0))

    @pytest.mark.ckan_config("ckanext.minato_plan.compress.min_bytes", "0")
    @pytest.mark.ckan_config("ckanext.minato_plan.assets.max_age", "0")
    def test_both_can_be_turned_off(self, app):
        soup = _soup(app, "/plan-overview")
        href = next(link["href"] for link in soup.select("link[rel=stylesheet]"))
        response = app.get(href, headers={"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in response.headers
        assert "immutable" not in response.headers["Cache-Control"]
