"""A fiscal year's narrative (results, challenges, next steps, evidence links), written by staff
in the draft form, refused at its field when an evidence link is no web address, and after
publication shown and served by every output: the initiative page (ja, en), the committee's
report, search, the progress list action, the CSV/JSON downloads and the DataStore table."""
from __future__ import annotations

import csv
import io
import json
import uuid

import pytest

from ckan.plugins import toolkit as tk

from support.plan_names import initiative_name
from support.staff import clear_evaluation, ctx, entry, member
from support.staff import headers as as_user

FY = 2026
NUMBER = 30
pytestmark = [pytest.mark.usefixtures("plan_in_place"),
              pytest.mark.ckan_config("ckanext.minato_plan.review.enabled", "true")]


@pytest.fixture(autouse=True)
def clean_year():
    clear_evaluation(FY)


def test_a_bad_evidence_link_is_refused_at_its_field_with_everything_kept(app):
    editor = member("editor")
    url = f"/plan-review/{FY}/initiative/{NUMBER}"
    form = app.get(url, headers=as_user(editor)).get_data(as_text=True)
    for field in ("challenges_ja", "challenges_en", "next_steps_ja", "next_steps_en",
                  "evidence_urls"):
        assert f'id="field-{field}"' in form
    response = app.post(url, headers=as_user(editor), data={
        "status": "in_progress", "rating": "B", "summary_ja": "実績", "challenges_ja": "残した課題",
        "next_steps_en": "kept steps", "evidence_urls": "https://ok.example/a\nwww.no-scheme.example"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="error-evidence_urls"' in body
    assert "根拠資料のURLの2件目" in body and "Evidence link 2" in body
    assert "残した課題" in body and "kept steps" in body and "www.no-scheme.example" in body
    shown = tk.get_action("minato_plan_evaluation_show")(ctx(editor), {"fiscal_year": FY})
    assert shown["draft_count"] == 0


def test_the_published_narrative_is_in_every_output(app):
    editor, reviewer = member("editor"), member("admin")
    tag = uuid.uuid4().hex[:8]
    challenge_ja, challenge_en = f"担い手不足{tag}", f"Too few staff {tag}"
    step_ja, step_en = f"民間委託の検討{tag}", f"Consider outsourcing {tag}"
    link = f"https://www.city.minato.tokyo.jp/evidence/{tag}.pdf"
    url = f"/plan-review/{FY}/initiative/{NUMBER}"
    saved = app.post(url, headers=as_user(editor), follow_redirects=False, data={
        "status": "in_progress", "rating": "B", "summary_ja": f"実績{tag}",
        "summary_en": f"Results {tag}", "challenges_ja": challenge_ja,
        "challenges_en": challenge_en, "next_steps_ja": step_ja, "next_steps_en": step_en,
        "evidence_urls": f"{link}  {link}"})
    assert saved.status_code == 302
    assert challenge_ja not in app.get(f"/dataset/{initiative_name(NUMBER)}").get_data(
        as_text=True), "a draft is not public"
    for step, user in (("submit", editor), ("approve", reviewer), ("publish", reviewer)):
        tk.get_action(f"minato_plan_evaluation_{step}")(ctx(user), {"fiscal_year": FY})

    stored = entry(NUMBER, FY)
    assert (stored["challenges_ja"], stored["next_steps_en"], stored["evidence_urls"]) == (
        challenge_ja, step_en, link)

    page = app.get(f"/dataset/{initiative_name(NUMBER)}").get_data(as_text=True)
    assert challenge_ja in page and step_ja in page and "課題" in page and "今後の方向性" in page
    assert f'href="{link}"' in page
    english = app.get(f"/en/dataset/{initiative_name(NUMBER)}").get_data(as_text=True)
    assert challenge_en in english and step_en in english and "Next steps" in english

    report = app.get(f"/plan-report/{FY}").get_data(as_text=True)
    assert challenge_ja in report and step_ja in report and f'href="{link}"' in report

    found = tk.get_action("package_search")({"user": ""}, {"q": challenge_ja,
                                                           "fq": "dataset_type:initiative"})
    assert [d["name"] for d in found["results"]] == [initiative_name(NUMBER)]

    listed = tk.get_action("minato_plan_progress_list")(
        {"user": ""}, {"initiative": NUMBER, "fiscal_year": FY})["results"][0]
    assert (listed["challenges_en"], listed["next_steps_ja"], listed["evidence_links"]) == (
        challenge_en, step_ja, [link])

    table = list(csv.DictReader(io.StringIO(
        app.get("/plan-data/progress.ja.csv").get_data(as_text=True).lstrip("\ufeff"))))
    row = next(r for r in table if r["ID"].endswith(f"{NUMBER:03d}-{FY}"))
    assert (row["課題"], row["今後の方向性（英語）"], row["根拠資料URL"]) == (
        challenge_ja, step_en, link)
    records = json.loads(app.get("/plan-data/progress.en.json").get_data(as_text=True))
    record = next(r for r in records if str(r["id"]).endswith(f"{NUMBER:03d}-{FY}"))
    assert record["challenges_ja"] == challenge_ja and record["evidence_urls"] == link

    from ckanext.minato_plan.logic import datastore

    resource_id = datastore.plan_datastore_resources()[("progress", "ja")]
    rows = tk.get_action("datastore_search")({"ignore_auth": True}, {
        "resource_id": resource_id, "filters": {"id": row["ID"]}})["records"]
    assert rows and rows[0]["challenges_ja"] == challenge_ja and rows[0]["evidence_urls"] == link
