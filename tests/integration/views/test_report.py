"""The committee's annual progress report, its page and its PDF, rendered by the real CKAN app
(real PostgreSQL, Solr and Redis) in Japanese and English. The PDF is read back with poppler
(pdftotext, pdffonts); its first page is saved as test-artifacts/report/<name>.png."""
import pathlib
import subprocess

import pytest
from bs4 import BeautifulSoup

from ckan.plugins import toolkit as tk

ARTIFACTS = pathlib.Path(__file__).resolve().parents[3] / "test-artifacts" / "report"


def _site():
    return {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"],
            "ignore_auth": True}


def _text(node):
    return " ".join(node.get_text(" ").split())


def _record_progress():
    patch = tk.get_action("package_patch")
    patch(_site(), {"id": "minato-plan-initiative-01", "progress": [
        {"fiscal_year": 2022, "status": "in_progress", "rating": "B"},
        {"fiscal_year": 2023, "status": "completed", "rating": "A",
         "summary_ja": "全ての申請をオンライン化した", "summary_en": "Every application is online"}],
        "indicators": [{"name_ja": "オンライン申請件数", "name_en": "Online applications",
                        "unit": "件", "baseline": "100", "baseline_fiscal_year": 2020}],
        "indicator_values": [
            {"indicator": 1, "fiscal_year": 2023, "target": "300", "actual": "320"},
            {"indicator": 1, "fiscal_year": 2022, "target": "200", "actual": "210"}],
        "department_translated": {"ja": "情報政策課", "en": "Information Policy Division"}})
    patch(_site(), {"id": "minato-plan-initiative-30", "progress": [
        {"fiscal_year": 2023, "status": "under_study", "rating": "C"}]})
    patch(_site(), {"id": "minato-plan-initiative-12", "progress": [
        {"fiscal_year": 2022, "status": "in_progress", "rating": "B"},
        {"fiscal_year": 2023, "status": "in_progress", "rating": "B"}]})
    return True


@pytest.fixture
def recorded(plan_with):
    return plan_with("report", _record_progress)


def _page(app, url):
    response = app.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.body, "html.parser")


def _pdf(app, url, name):
    response = app.get(url)
    assert response.status_code == 200, url
    assert response.headers["Content-Type"] == "application/pdf"
    body = response.get_data()
    assert body.startswith(b"%PDF-")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(body)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    str(path), str(ARTIFACTS / name)], check=True)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout
    # table cells and lines wrap where the page ends them: compare the text without spaces
    return response, "".join(text.split()), fonts


def _has(text, phrase):
    return "".join(phrase.split()) in text


@pytest.mark.usefixtures("recorded")
class TestReportPage:

    def test_the_report_opens_on_the_newest_year_with_progress(self, app):
        response = app.get("/plan-report", follow_redirects=False)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/plan-report/2023")
        response = app.get("/en/plan-report", follow_redirects=False)
        assert response.headers["Location"].endswith("/en/plan-report/2023")

    def test_japanese_report_counts_compares_and_lists_every_initiative(self, app):
        soup = _page(app, "/plan-report/2023")
        assert soup.html["lang"] == "ja"
        assert _text(soup.h1) == (
            "港区情報化推進計画（令和3年度～令和8年度）: 令和5年度（2023年度）の進捗報告")
        facts = _text(soup.select_one("dl.minato-facts"))
        assert "取組39件のうち3件に令和5年度（2023年度）の進捗が記録されています" in facts
        assert "比較年度 令和4年度（2022年度）" in facts
        ratings = soup.select_one("table.minato-report-ratings")
        total = [_text(c) for c in ratings.select("tfoot th, tfoot td")]
        header = [_text(th) for th in ratings.select("thead th")]
        assert dict(zip(header, total)) == {
            "情報化指針": "合計", "A 達成": "1", "B 概ね達成": "1", "C 達成が不十分": "1",
            "- 評価対象外": "0", "評価なし": "36", "合計": "39"}
        changes = [_text(tr) for tr in soup.select("table.minato-report-changes tbody tr")]
        assert len(changes) == 2  # initiative 12 stayed as it was
        assert changes[0].startswith("1 ") and "実施中 → 完了" in changes[0]
        assert "B 概ね達成 → A 達成" in changes[0]
        assert changes[1].startswith("30 ") and "記録なし → 検討中" in changes[1]
        assert len(soup.select("article.minato-report-initiative")) == 39
        first = _text(soup.select_one("#initiative-1"))
        assert "所管課 情報政策課" in first and "全ての申請をオンライン化した" in first
        assert "(実施中から)" in first
        indicator = [_text(c) for c in soup.select("#initiative-1 .minato-report-indicators td")]
        # (320 - 100) / (300 - 100): 110 %, judged A beside the staff's rating
        assert indicator == ["100 (令和2年度)", "300", "320", "210", "110.0%", "A 達成"]
        assert "所管課 未入力" in _text(soup.select_one("#initiative-2"))
        years = [_text(li) for li in soup.select(".minato-report-nav li")]
        assert years[:3] == ["令和3年度", "令和4年度", "令和5年度"]
        assert soup.select_one(".minato-report-nav a.minato-report-pdf")["href"] == (
            "/plan-report/2023.pdf")

    def test_english_report(self, app):
        soup = _page(app, "/en/plan-report/2023")
        assert soup.html["lang"] == "en"
        assert _text(soup.h1) == ("Minato City Informatization Promotion Plan (FY2021–FY2026): "
                                  "progress report of FY2023")
        facts = _text(soup.select_one("dl.minato-facts"))
        assert "3 of 39 initiatives have progress recorded for FY2023" in facts
        changes = _text(soup.select_one("table.minato-report-changes"))
        assert "In progress → Completed" in changes and "B Mostly on plan → A On plan" in changes
        first = _text(soup.select_one("#initiative-1"))
        assert "Every application is online" in first
        assert "Responsible department Information Policy Division" in first
        assert soup.select_one("a.minato-report-pdf")["href"] == "/en/plan-report/2023.pdf"

    def test_the_first_year_compares_with_nothing(self, app):
        soup = _page(app, "/en/plan-report/2021")
        assert "0 of 39 initiatives" in _text(soup.select_one("dl.minato-facts"))
        assert "there is no earlier year to compare with" in _text(
            soup.select_one("section[aria-labelledby=report-changes-heading]"))

    def test_a_plan_named_in_the_address_has_the_same_report(self, app):
        soup = _page(app, "/plan-report/minato-plan/2023")
        assert len(soup.select("table.minato-report-changes tbody tr")) == 2

    @pytest.mark.parametrize("url", ["/plan-report/2020", "/plan-report/2027",
                                     "/plan-report/2027.pdf", "/plan-report/no-such-plan/2023",
                                     "/plan-report/no-such-plan"])
    def test_a_year_or_plan_without_a_report_is_not_found(self, app, url):
        response = app.get(url)
        assert response.status_code == 404

    def test_a_year_after_the_current_one_says_why(self, app, monkeypatch):
        from ckanext.minato_plan.logic import report
        monkeypatch.setattr(report, "current_fiscal_year", lambda: 2022)
        response = app.get("/en/plan-report/2023")
        assert response.status_code == 404
        assert "up to the current one" in response.get_data(as_text=True)
        monkeypatch.setattr(report, "current_fiscal_year", lambda: 2020)
        response = app.get("/en/plan-report")
        assert response.status_code == 404
        assert "its period starts with FY2021" in response.get_data(as_text=True)

    def test_the_overview_links_to_the_report(self, app):
        soup = _page(app, "/plan-overview")
        assert soup.select_one("a.minato-report-link")["href"] == "/plan-report"


@pytest.mark.usefixtures("recorded")
class TestReportPdf:

    def test_japanese_pdf_has_the_report_in_an_embedded_japanese_font(self, app):
        response, text, fonts = _pdf(app, "/plan-report/2023.pdf", "report-2023-ja")
        assert response.headers["Content-Disposition"] == (
            'inline; filename="minato-plan-report-2023-ja.pdf"')
        assert _has(text, "令和5年度（2023年度）の進捗報告")
        assert _has(text, "取組39件のうち3件に令和5年度（2023年度）の進捗が記録されています")
        assert _has(text, "実施中 → 完了") and _has(text, "全ての申請をオンライン化した")
        assert _has(text, "オープンデータ活用の推進")  # every initiative, not only the changed ones
        assert _has(text, "1 / ")  # numbered pages
        font_lines = [line for line in fonts.splitlines() if "IPA" in line]
        assert font_lines and all(" yes " in line for line in font_lines), fonts

    def test_english_pdf(self, app):
        response, text, _fonts = _pdf(app, "/en/plan-report/2023.pdf", "report-2023-en")
        assert response.headers["Content-Disposition"].endswith('-report-2023-en.pdf"')
        assert _has(text, "progress report of FY2023")
        assert _has(text, "Completed (was In progress)") and _has(text, "No record →")
        assert _has(text, "Every application is online")
        assert _has(text, "http://") and _has(text, "/en/plan-report/2023")

    def test_the_pdf_follows_a_change_of_progress(self, app):
        _r, before, _f = _pdf(app, "/en/plan-report/2023.pdf", "report-2023-en")
        assert _has(before, "3 of 39 initiatives")
        tk.get_action("package_patch")(_site(), {"id": "minato-plan-initiative-31", "progress": [
            {"fiscal_year": 2023, "status": "completed", "rating": "A"}]})
        _r, after, _f = _pdf(app, "/en/plan-report/2023.pdf", "report-2023-en-changed")
        assert _has(after, "4 of 39 initiatives")
