"""What a resident sees in a real browser (headless Chromium) on a real CKAN serving the plan with
its fictional sample progress: the plan overview in Japanese and English, a Japanese search, an
initiative page, keyboard use and axe-core's accessibility findings. Screenshots and axe reports
go to test-artifacts/browser/."""
import json

import pytest
from playwright.sync_api import expect

from .conftest import axe_findings, screenshot

PLAN_TITLE_JA = "港区情報化推進計画（令和3年度～令和8年度）"
PLAN_TITLE_EN = "Minato City Informatization Promotion Plan (FY2021–FY2026)"


def test_overview_in_japanese_then_english(page):
    page.goto("/")
    page.get_by_role("link", name="計画の概要").first.click()
    assert page.url.endswith("/plan-overview")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == PLAN_TITLE_JA
    facts = page.locator("dl.minato-facts").first.inner_text()
    assert "令和3年度（2021年度） – 令和8年度（2026年度）" in facts
    assert "見直し年度\n令和5年度（2023年度）" in facts
    assert page.locator(".minato-sample-notice").inner_text().startswith(
        "サンプルデータ / Sample data")
    chart = page.locator("#chart-by-year svg[role=img].minato-chart-wide")
    assert chart.is_visible()
    assert not page.locator("#chart-by-year svg.minato-chart-narrow").is_visible()
    assert "令和3年度" in page.locator("#chart-by-year-desc").text_content()
    # the chart's table alternative: every initiative counted once per fiscal year
    totals = page.locator("#chart-by-year table tbody tr td:last-child").all_inner_texts()
    assert totals == ["39"] * 6
    guideline_2 = page.locator("#guideline-2")
    assert guideline_2.locator("h3").inner_text() == "情報化指針2: 情報発信と協働促進に向けた情報化の推進"
    assert guideline_2.locator("tbody tr").count() == 11
    row_27 = guideline_2.locator("tbody tr").last.inner_text()
    assert "オープンデータ活用の推進" in row_27 and "継続" in row_27 and "令和5年度" in row_27
    screenshot(page, "overview-ja")

    page.locator("nav.minato-lang-header").get_by_role("link", name="English").click()
    assert page.url.endswith("/en/plan-overview")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == PLAN_TITLE_EN
    assert "Review year\nFY2023" in page.locator("dl.minato-facts").first.inner_text()
    assert page.locator("#guideline-2 h3").inner_text() == (
        "Guideline 2: Informatization for sharing information and promoting collaboration")
    assert "Promotion of open data use" in page.locator("#guideline-2 tbody tr").last.inner_text()
    assert page.get_by_role("link", name="Plan overview").first.is_visible()
    screenshot(page, "overview-en")

    page.locator("nav.minato-lang-header").get_by_role("link", name="日本語").click()
    assert page.locator("h1").inner_text() == PLAN_TITLE_JA


def test_japanese_search_finds_the_initiative(page):
    page.goto("/dataset/")
    search = page.locator("#field-giant-search")
    search.fill("テレワーク")
    search.press("Enter")
    # CKAN 2.12 swaps the results in with htmx: wait for them, not for a page load
    expect(page.locator(".search-form h1")).to_contain_text("テレワーク")
    results = page.locator(".dataset-list .dataset-heading a")
    expect(results.first).to_be_visible()
    assert "テレワークの推進" in [r.strip() for r in results.all_inner_texts()]
    assert "q=%E3%83%86%E3%83%AC%E3%83%AF%E3%83%BC%E3%82%AF" in page.url
    screenshot(page, "search-ja-telework")


def test_initiative_page_shows_progress_indicators_and_siblings(page):
    page.goto("/plan-overview")
    page.locator("#guideline-3").get_by_role("link", name="テレワークの推進").click()
    assert page.url.endswith("/initiative/minato-plan-initiative-32")
    assert " ".join(page.locator("h1").inner_text().split()) == "取組32 テレワークの推進"
    place = page.locator("dl.minato-facts").inner_text()
    assert "施策\n施策3-3: 働きやすい職場づくりに向けた業務効率化・適正化の推進" in place
    assert "新規・継続\n新規" in place and "計画書の掲載頁\n83" in place
    # the sample notice is visible where sample progress is shown
    notice = page.locator(".minato-sample-notice")
    assert notice.is_visible() and "サンプルデータ" in notice.inner_text()
    years = page.locator(".minato-timeline-item")
    assert years.count() == 6
    assert years.nth(0).locator("h3").inner_text() == "令和3年度（2021年度）"
    assert "サンプルデータ" in years.nth(0).inner_text()
    assert "記録なし" in years.nth(5).inner_text()
    assert "この取組の指標はまだ登録されていません。" in page.locator(
        "section[aria-labelledby=indicators-heading]").inner_text()
    siblings = page.locator(".minato-siblings li a").all_inner_texts()
    assert [s.split(":")[0] for s in siblings] == ["取組31", "取組33", "取組34", "取組35"]
    # schema.org JSON-LD in both languages
    data = json.loads(page.locator("script[type='application/ld+json']").text_content())
    dataset = next(n for n in data["@graph"] if n["@type"] == "schema:Dataset")
    assert {(n["@language"], n["@value"]) for n in dataset["schema:name"]} == {
        ("ja", "テレワークの推進"), ("en", "Promotion of telework")}
    screenshot(page, "initiative-32-ja")

    page.locator("nav.minato-lang-header").get_by_role("link", name="English").click()
    assert " ".join(page.locator("h1").inner_text().split()) == (
        "Initiative 32 Promotion of telework")
    assert "Sample data" in page.locator(".minato-timeline-item").first.inner_text()
    assert "No record" in page.locator(".minato-timeline-item").last.inner_text()
    screenshot(page, "initiative-32-en")


def test_overview_reads_the_same_without_javascript(page_without_js):
    page = page_without_js
    page.goto("/plan-overview")
    assert page.locator("h1").inner_text() == PLAN_TITLE_JA
    assert page.locator("svg[role=img] >> visible=true").count() == 2
    assert page.locator("table.minato-initiatives tbody tr").count() == 39
    page.locator("nav.minato-lang-header").get_by_role("link", name="English").click()
    assert page.locator("h1").inner_text() == PLAN_TITLE_EN


def test_keyboard_skip_link_and_language_switch(page):
    page.goto("/plan-overview")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#content"
    # the language switcher is reached by keyboard and works with Enter
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('hreflang')") == "en":
            break
    else:
        pytest.fail("the English link was not reached with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/en/plan-overview")


PAGES = {
    "home": "/",
    "search": "/dataset/?q=%E6%8E%A8%E9%80%B2",  # 推進
    "overview": "/plan-overview",
    "initiative": "/initiative/minato-plan-initiative-32",
}


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_accessibility_findings(page, name, lang):
    page.goto(PAGES[name] if lang == "ja" else f"/en{PAGES[name]}")
    assert page.locator("html").get_attribute("lang") == lang
    findings = axe_findings(page, f"{name}-{lang}")
    serious = [f for f in findings if f["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, ensure_ascii=False, indent=2)
