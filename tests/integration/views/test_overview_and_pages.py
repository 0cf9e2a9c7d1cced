"""The plan overview and initiative pages, rendered by the real CKAN app (real PostgreSQL and
Solr), in Japanese (default) and English."""
import json

import pytest
from bs4 import BeautifulSoup

from ckan.plugins import toolkit as tk


def _site():
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}


def _page(app, url):
    response = app.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.body, "html.parser")


def _text(node):
    return " ".join(node.get_text(" ").split())


@pytest.mark.usefixtures("loaded_plan")
class TestOverview:

    def test_japanese_overview_shows_the_plan_hierarchy(self, app):
        soup = _page(app, "/plan-overview")
        assert soup.html["lang"] == "ja"
        assert _text(soup.h1) == "港区情報化推進計画（令和3年度～令和8年度）"
        facts = _text(soup.select_one("dl.minato-facts"))
        assert "見直し年度 令和5年度（2023年度）" in facts
        assert "計画期間 令和3年度（2021年度） – 令和8年度（2026年度）" in facts
        assert "情報化指針4件・施策8件・取組39件" in facts
        guidelines = soup.select("section.minato-guideline")
        assert [len(g.select("table.minato-initiatives tbody tr")) for g in guidelines] == [
            16, 11, 8, 4]
        assert [_text(h) for h in guidelines[2].select("h4")] == [
            "施策3-1: デジタル社会に向けたデータ利活用の推進",
            "施策3-2: 利便性の高い区民生活を実現する第5世代移動通信システム(5G)の通信基盤整備",
            "施策3-3: 働きやすい職場づくりに向けた業務効率化・適正化の推進"]
        link = guidelines[1].select("tbody tr")[-1].select_one("a")
        assert _text(link) == "オープンデータ活用の推進"
        assert link["href"] == "/initiative/minato-plan-initiative-27"
        # no progress is loaded by default: said so, and no sample notice
        assert "年度別の進捗はまだ登録されていません。" in _text(soup)
        assert soup.select_one(".minato-sample-notice") is None
        assert "取組16件" in _text(soup.select_one("nav ul.minato-toc"))

    @pytest.mark.parametrize("path, says", [
        ("/plan-overview", {"upcoming": "状況 開始前：計画期間は令和3年度（2021年度）から",
                            "current": "状況 計画期間中：令和8年度（2026年度）末まで",
                            "ended": "状況 終了：計画期間は令和8年度（2026年度）まで"}),
        ("/en/plan-overview", {"upcoming": "Status Upcoming: its period starts with FY2021",
                               "current": "Status In its period, until the end of FY2026",
                               "ended": "Status Ended: its period ended with FY2026"}),
    ])
    def test_the_overview_says_whether_the_plan_is_in_its_period(self, app, path, says):
        from ckanext.minato_plan.domain.plan import load_plan, today_in_japan

        facts = _text(_page(app, path).select_one("dl.minato-facts"))
        assert says[load_plan().status(today_in_japan())] in facts

    def test_english_overview(self, app):
        soup = _page(app, "/en/plan-overview")
        assert soup.html["lang"] == "en"
        assert _text(soup.h1) == "Minato City Informatization Promotion Plan (FY2021–FY2026)"
        assert "Review year FY2023" in _text(soup.select_one("dl.minato-facts"))
        assert _text(soup.select_one("#guideline-1 h3")).startswith("Guideline 1: ")
        assert _text(soup.select("#guideline-2 tbody tr")[-1].select_one("a")) == (
            "Promotion of open data use")
        header_lang = soup.select_one("nav.minato-lang-header")
        assert [(a.get_text(), a["href"]) for a in header_lang.select("a")] == [
            ("日本語", "/plan-overview")]

    def test_charts_are_svg_with_text_and_table_alternatives(self, app):
        soup = _page(app, "/plan-overview")
        charts = soup.select("figure.minato-chart")
        assert len(charts) == 2
        svg = charts[0].select_one("svg")
        assert svg["role"] == "img"
        title_id, desc_id = svg["aria-labelledby"].split()
        assert _text(soup.find(id=title_id)) == "年度別・進捗状況別の取組数"
        assert "令和3年度: 記録なし 39" in _text(soup.find(id=desc_id))
        rows = charts[0].select("table tbody tr")
        assert [_text(r.th) for r in rows][0] == "令和3年度（2021年度）"
        assert [_text(r.select("td")[-1]) for r in rows] == ["39"] * 6
        assert not soup.select("script[src*=chart]")

    def test_downloads_link_to_the_plan_dataset(self, app):
        soup = _page(app, "/plan-overview")
        section = soup.find(id="downloads-heading").parent
        assert section.select_one("a[href='/plan/minato-plan']") is not None

    def test_language_links_keep_the_page_and_query(self, app):
        soup = _page(app, "/dataset/?q=telework")
        links = soup.select("nav.minato-lang-header a")
        assert [(a.get_text(), a["hreflang"], a["href"]) for a in links] == [
            ("English", "en", "/en/dataset/?q=telework")]
        assert soup.select_one("nav.minato-lang-header [aria-current]").get_text() == "日本語"


@pytest.mark.usefixtures("loaded_plan")
class TestInitiativePage:

    def test_plan_fields_timeline_and_siblings_in_japanese(self, app):
        soup = _page(app, "/initiative/minato-plan-initiative-28")
        assert _text(soup.h1) == "取組28 行政情報分析基盤の活用"
        facts = _text(soup.select_one("dl.minato-facts"))
        assert "施策 施策3-1: デジタル社会に向けたデータ利活用の推進" in facts
        assert "計画書の掲載頁 不明（出典に記載なし）" in facts
        items = soup.select(".minato-timeline-item")
        assert [_text(i.h3) for i in items] == [
            f"令和{n - 2018}年度（{n}年度）" for n in range(2021, 2027)]
        assert all("記録なし" in _text(i) for i in items)
        assert soup.select_one(".minato-sample-notice") is None
        assert [_text(a) for a in soup.select(".minato-siblings a")] == [
            "取組29: 財政運営の透明化"]
        assert "この取組の指標はまだ登録されていません。" in _text(soup)

    def test_the_responsible_department_is_shown_once_staff_entered_it(self, app):
        facts = _text(_page(app, "/initiative/minato-plan-initiative-30").select_one(
            "dl.minato-facts"))
        assert "所管課 未入力" in facts  # blank by default, never invented
        patch = tk.get_action("package_patch")
        patch(dict(_site(), ignore_auth=True), {
            "id": "minato-plan-initiative-30", "department_email": "joho@example.jp",
            "department_translated": {"ja": "情報政策課", "en": "Information Policy Division"}})
        try:
            soup = _page(app, "/initiative/minato-plan-initiative-30")
            assert "所管課 情報政策課 ( joho@example.jp )" in _text(soup.select_one("dl.minato-facts"))
            assert soup.select_one('dl.minato-facts a[href="mailto:joho@example.jp"]')
            english = _text(_page(app, "/en/initiative/minato-plan-initiative-30").select_one(
                "dl.minato-facts"))
            assert "Responsible department Information Policy Division" in english
            rows = app.get("/plan-data/structure.ja.csv").get_data(as_text=True).splitlines()
            header = rows[0].lstrip("\ufeff").split(",")
            row = next(r for r in rows if "131032JK030" in r).split(",")
            assert row[header.index("所管課")] == "情報政策課"
            assert row[header.index("所管課の連絡先")] == "joho@example.jp"
        finally:
            patch(dict(_site(), ignore_auth=True), {"id": "minato-plan-initiative-30",
                                                   "department_translated": "",
                                                   "department_email": ""})

    def test_a_long_measure_lists_the_nearest_and_links_to_all(self, app, monkeypatch):
        from ckanext.minato_plan.domain import pages
        monkeypatch.setattr(pages, "SIBLINGS_SHOWN", 2)
        soup = _page(app, "/initiative/minato-plan-initiative-34")
        assert [_text(a).split(":")[0] for a in soup.select(".minato-siblings a")] == [
            "取組33", "取組35"]
        link = soup.select_one(".minato-siblings + p a")
        assert _text(link) == "この施策のほかの取組（全4件）"
        assert link["href"] == "/plan-overview#measure-3-3"

    def test_schema_org_json_ld_is_bilingual(self, app):
        soup = _page(app, "/initiative/minato-plan-initiative-32")
        data = json.loads(soup.select_one("script[type='application/ld+json']").string)
        dataset = next(n for n in data["@graph"] if n["@type"] == "schema:Dataset")
        names = {n["@language"]: n["@value"] for n in dataset["schema:name"]}
        assert names == {"ja": "テレワークの推進", "en": "Promotion of telework"}
        assert {n["@language"] for n in dataset["schema:description"]} == {"ja", "en"}
        assert sorted(dataset["schema:inLanguage"]) == ["en", "ja"]


@pytest.mark.usefixtures("loaded_plan")
def test_sample_progress_shows_a_notice_and_english_summaries(app):
    progress = [{"fiscal_year": 2021, "status": "in_progress", "rating": "B",
                 "summary_ja": "【サンプルデータ】例示", "summary_en": "[Sample data] Example",
                 "sample": True},
                {"fiscal_year": 2022, "status": "completed", "rating": "A",
                 "summary_ja": "完了しました", "summary_en": "Done"}]
    tk.get_action("package_patch")(_site(), {"id": "minato-plan-initiative-05",
                                             "progress": progress})
    soup = _page(app, "/en/initiative/minato-plan-initiative-05")
    assert "Sample data" in _text(soup.select_one(".minato-sample-notice"))
    items = soup.select(".minato-timeline-item")
    assert "In progress" in _text(items[0]) and "B Mostly on plan" in _text(items[0])
    assert "[Sample data] Example" in _text(items[0])
    assert items[0].select_one(".minato-sample-badge") is not None
    assert items[1].select_one(".minato-sample-badge") is None and "Done" in _text(items[1])

    overview = _page(app, "/plan-overview")
    row = overview.select("#guideline-1 tbody tr")[4]
    assert "完了" in _text(row) and "令和4年度" in _text(row) and "A 達成" in _text(row)
    assert overview.select_one(".minato-sample-notice") is not None
    by_year = overview.select("#chart-by-year table tbody tr")
    header = [_text(th) for th in overview.select("#chart-by-year thead th")]
    first = dict(zip(header, [_text(c) for c in by_year[0].select("th, td")]))
    assert first["実施中"] == "1" and first["記録なし"] == "38"
