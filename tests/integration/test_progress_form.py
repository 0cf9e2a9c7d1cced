"""Editing an initiative's progress in the CKAN dataset form, as staff do: the real round trip
edit → save → show, re-rendering after a validation error, and lost-update protection."""
from __future__ import annotations

import threading
import uuid

import pytest

import ckan.model as model
from ckan.plugins import toolkit as tk

from support.plan_names import initiative_name

from support.html_forms import checked, form_data, selected, value
from support.staff import entry, headers, member, show  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("plan_in_place")

NUMBER = 32
URL = f"/initiative/edit/{initiative_name(NUMBER)}"


def _set_progress(progress, number=NUMBER):
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    tk.get_action("package_patch")({"user": site["name"], "ignore_auth": True},
                                   {"id": initiative_name(number), "progress": progress})


@pytest.fixture
def editor():
    return member("editor")


@pytest.fixture
def two_years():
    progress = [
        {"fiscal_year": 2022, "status": "in_progress", "rating": "B", "summary_ja": "試行",
         "summary_en": "Pilot", "sample": True},
        {"fiscal_year": 2023, "status": "completed", "rating": "A",
         "summary_ja": f"全庁展開 {uuid.uuid4().hex[:6]}", "summary_en": "Rolled out"}]
    _set_progress(progress)
    return progress


def test_form_shows_one_group_per_fiscal_year_with_stored_values(app, editor, two_years):
    body = app.get(URL, headers=headers(editor)).body
    assert selected(body, "progress-0-fiscal_year") == "2022"
    assert selected(body, "progress-0-status") == "in_progress"
    assert selected(body, "progress-0-rating") == "B"
    assert selected(body, "progress-1-fiscal_year") == "2023"
    assert selected(body, "progress-1-status") == "completed"
    assert selected(body, "progress-1-rating") == "A"
    assert value(body, "progress-1-summary_ja") == two_years[1]["summary_ja"]
    assert checked(body, "progress-0-sample") and not checked(body, "progress-1-sample")
    assert value(body, "if_unmodified_since") == show(NUMBER)["metadata_modified"]
    # labels and help in Japanese here, in English under /en/
    assert "年度別の進捗" in body and "1年度につき1件" in body and "実績の概要（日本語）" in body
    english = app.get("/en" + URL, headers=headers(editor)).body
    assert "Progress by fiscal year" in english and "One entry per fiscal year" in english
    assert "Summary of results (English)" in english and "Indicators" in english
    assert "Challenges (Japanese)" in english and "Evidence links" in english
    assert "課題（日本語）" in body and "今後の方向性（英語）" in body and "根拠資料のURL" in body


def test_edit_save_show_round_trip_keeps_the_sample_flag(app, editor, two_years):
    form = form_data(app.get(URL, headers=headers(editor)).body)
    form["progress-1-rating"] = "B"
    form["progress-1-summary_en"] = "Rolled out to all departments"
    form["indicators-0-name_ja"] = "テレワーク実施率"
    form["indicator_values-0-indicator"] = "1"
    form["indicator_values-0-fiscal_year"] = "2023"
    form["indicator_values-0-actual"] = "45.5"
    form["save"] = ""
    response = app.post(URL, data=form, headers=headers(editor), follow_redirects=False)
    assert response.status_code == 302, response.body
    progress = {e["fiscal_year"]: e for e in show(NUMBER)["progress"]}
    assert progress[2023]["rating"] == "B"
    assert progress[2023]["summary_en"] == "Rolled out to all departments"
    assert progress[2023]["summary_ja"] == two_years[1]["summary_ja"]
    assert progress[2022]["sample"] is True and not progress[2023].get("sample")
    assert show(NUMBER)["indicator_values"] == [
        {"indicator": 1, "fiscal_year": 2023, "actual": "45.5"}]
    page = app.get(f"/initiative/{initiative_name(NUMBER)}").body
    assert two_years[1]["summary_ja"] in page
    assert 'id="progress-last-updated"' in page and editor["name"] in page


def test_staff_enter_the_department_in_the_form_and_a_bad_address_is_refused(app, editor,
                                                                            two_years):
    form = form_data(app.get(URL, headers=headers(editor)).body)
    assert form["department_translated-ja"] == "" and form["department_email"] == ""
    form.update({"department_translated-ja": "情報政策課",
                 "department_translated-en": "Information Policy Division",
                 "department_email": "joho(at)example.jp", "save": ""})
    response = app.post(URL, data=form, headers=headers(editor))
    assert response.status_code == 200
    assert "メールアドレスの形式ではありません" in response.body
    assert "Not an e-mail address" in response.body
    assert value(response.body, "department_translated-ja") == "情報政策課"
    assert value(response.body, "department_email") == "joho(at)example.jp"
    assert show(NUMBER)["department_translated"] == {}
    form["department_email"] = "joho@example.jp"
    response = app.post(URL, data=form, headers=headers(editor), follow_redirects=False)
    assert response.status_code == 302, response.body
    shown = show(NUMBER)
    assert shown["department_translated"] == {"ja": "情報政策課",
                                              "en": "Information Policy Division"}
    assert shown["department_email"] == "joho@example.jp"
    form = form_data(app.get(URL, headers=headers(editor)).body)
    form.update({"department_translated-ja": "", "department_translated-en": "",
                 "department_email": "", "save": ""})
    assert app.post(URL, data=form, headers=headers(editor),
                    follow_redirects=False).status_code == 302
    assert (show(NUMBER)["department_translated"], show(NUMBER)["department_email"]) == ({}, "")


def test_validation_error_keeps_what_was_typed(app, editor, two_years):
    before = show(NUMBER)
    form = form_data(app.get(URL, headers=headers(editor)).body)
    typed_title = f"テレワークの推進（改） {uuid.uuid4().hex[:4]}"
    form["title_translated-ja"] = typed_title
    form["title_translated-en"] = ""  # required: error
    form["progress-1-fiscal_year"] = "2022"  # duplicate year: error
    form["progress-1-status"] = "suspended"
    form["progress-1-summary_ja"] = "入力した概要"
    form["save"] = ""
    response = app.post(URL, data=form, headers=headers(editor))
    body = response.body
    assert response.status_code == 200
    assert "English value is required" in body and "英語の値は必須です" in body
    assert "one entry per year" in body and "1年度に1件" in body
    assert value(body, "title_translated-ja") == typed_title
    assert selected(body, "progress-1-status") == "suspended"
    assert selected(body, "progress-1-fiscal_year") == "2022"
    assert value(body, "progress-1-summary_ja") == "入力した概要"
    assert checked(body, "progress-0-sample")
    assert value(body, "if_unmodified_since") == before["metadata_modified"]
    assert show(NUMBER)["progress"] == before["progress"]


def test_second_editor_with_an_older_form_is_refused(app, editor, two_years):
    other = member("editor")
    form_a = form_data(app.get(URL, headers=headers(editor)).body)
    form_b = form_data(app.get(URL, headers=headers(other)).body)
    form_a["progress-1-summary_en"] = "Saved by A"
    form_b["progress-1-summary_en"] = "Saved by B"
    form_a["save"] = form_b["save"] = ""
    assert app.post(URL, data=form_a, headers=headers(editor),
                    follow_redirects=False).status_code == 302
    response = app.post(URL, data=form_b, headers=headers(other))
    assert response.status_code == 409
    assert 'id="minato-version-conflict"' in response.body
    assert "上書きを防ぐため保存していません" in response.body
    assert "Your change was not saved" in response.body and editor["name"] in response.body
    assert value(response.body, "progress-1-summary_en") == "Saved by B"  # typed text kept
    assert entry(NUMBER, 2023)["summary_en"] == "Saved by A"


def test_api_opt_in_if_unmodified_since(editor, two_years):
    seen = show(NUMBER)["metadata_modified"]
    context = {"user": editor["name"]}
    tk.get_action("package_patch")(context, {"id": initiative_name(NUMBER), "if_unmodified_since":
                                             seen, "progress": two_years[:1]})
    assert "if_unmodified_since" not in show(NUMBER)
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("package_patch")({"user": editor["name"]}, {
            "id": initiative_name(NUMBER), "if_unmodified_since": seen, "progress": two_years})
    assert "changed by" in err.value.error_dict["if_unmodified_since"][0]
    assert len(show(NUMBER)["progress"]) == 1
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("package_patch")({"user": editor["name"]}, {
            "id": initiative_name(NUMBER), "if_unmodified_since": "yesterday"})
    assert "ISO 8601" in err.value.error_dict["if_unmodified_since"][0]
    # without the field the API behaves as before (opt-in)
    tk.get_action("package_patch")({"user": editor["name"]}, {
        "id": initiative_name(NUMBER), "progress": two_years})
    assert len(show(NUMBER)["progress"]) == 2


@pytest.mark.parametrize("action", ["package_update", "package_patch"])
def test_two_concurrent_editors_exactly_one_wins(app, editor, two_years, action):
    """Two editors send the same version at the same moment, through the HTTP API in two
    threads: the row lock makes one wait, then see the other's change and be refused."""
    other = member("editor")
    current = show(NUMBER)
    seen = current["metadata_modified"]
    flask_app = app.flask_app
    barrier = threading.Barrier(2)
    results = {}

    def send(hdrs, label):
        client = flask_app.test_client()
        body = dict(current) if action == "package_update" else {"id": initiative_name(NUMBER)}
        body.update({"if_unmodified_since": seen, "progress": [
            {"fiscal_year": 2023, "status": "completed", "rating": "A", "summary_en": label}]})
        barrier.wait()
        response = client.post(f"/api/action/{action}", json=body, headers=hdrs)
        results[label] = (response.status_code, response.get_json())
        model.Session.remove()

    threads = [threading.Thread(target=send, args=(headers(editor), "A")),
               threading.Thread(target=send, args=(headers(other), "B"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = sorted(code for code, _ in results.values())
    assert codes == [200, 409], results
    winner = next(label for label, (code, _) in results.items() if code == 200)
    loser = next(label for label, (code, _) in results.items() if code == 409)
    assert "if_unmodified_since" in results[loser][1]["error"]
    model.Session.remove()
    assert show(NUMBER)["progress"][0]["summary_en"] == winner


def test_staff_give_an_indicator_its_meaning_and_the_page_judges_it(app, editor, two_years):
    before = show(NUMBER).get("indicator_values")
    form = form_data(app.get(URL, headers=headers(editor)).body)
    form.update({
        "indicators-0-name_ja": "窓口の待ち時間", "indicators-0-unit": "分",
        "indicators-0-baseline": "30", "indicators-0-kind": "outcome",
        "indicators-0-direction": "lower", "indicators-0-target_fiscal_year": "2026",
        "indicator_values-0-indicator": "1", "indicator_values-0-fiscal_year": "2023",
        "indicator_values-0-target": "20", "indicator_values-0-actual": "22",
        "indicator_values-0-as_of": "2024/3/31", "indicator_values-0-source": "来庁者調査",
        "save": ""})
    bad = dict(form, **{"indicator_values-0-as_of": "3月末"})
    refused = app.post(URL, data=bad, headers=headers(editor))
    assert refused.status_code == 200
    assert "年-月-日" in refused.body and "year-month-day" in refused.body
    assert value(refused.body, "indicator_values-0-source") == "来庁者調査"
    assert show(NUMBER).get("indicator_values") == before

    response = app.post(URL, data=form, headers=headers(editor), follow_redirects=False)
    assert response.status_code == 302, response.body
    stored = show(NUMBER)
    assert (stored["indicators"][0]["kind"], stored["indicators"][0]["direction"]) == (
        "outcome", "lower")
    assert stored["indicator_values"][0]["as_of"] == "2024-03-31"
    # (22 - 30) / (20 - 30) = 80 %: B, beside the staff's own rating
    page = app.get(f"/initiative/{initiative_name(NUMBER)}").body
    assert "成果指標" in page and "低いほど良い" in page and "達成率" in page
    assert "80.0%" in page and "概ね達成" in page and "2024-03-31時点" in page
    assert "来庁者調査" in page
    english = app.get(f"/en/initiative/{initiative_name(NUMBER)}").body
    assert "Outcome" in english and "Computed judgement" in english and "Mostly on plan" in english

    table = app.get("/plan-data/indicators.ja.csv").get_data(as_text=True)
    header, *lines = table.lstrip("\ufeff").splitlines()
    for name in ("指標の種類", "指標の向き", "目標年度", "実績の時点", "実績の出典", "達成率", "自動判定"):
        assert name in header.split(","), name
    line = next(x for x in lines if f"{NUMBER:03d}-I01-2023" in x)
    assert "成果指標" in line and "2024-03-31" in line and "80.0" in line and ",B" in line
