"""The yearly evaluation in a real browser (headless Chromium) on a real CKAN with the review on
(``review_portal``): an editor saves a draft of fiscal year 2026 for one initiative and submits
the year, a reviewer (an admin of the organization) returns it with a note, the editor changes
the draft and submits again, the reviewer approves and publishes it. A resident (not logged in)
sees none of the drafts on the initiative page, in the progress CSV or in the DCAT catalog until
the year is published, then the published text; the review pages send the resident to the login
page, and the review's steps are in the staff's view of the plan's activity stream only.

The UI's labels may be Japanese or English (translations being compiled or not): the test asserts
on ids, data attributes and its own unique texts."""
from __future__ import annotations

import json
import urllib.parse
import uuid

import pytest
from playwright.sync_api import expect

from ckanext.minato_plan.domain import review as rules

from support.plan_names import initiative_name
from support.staff import member

from .conftest import ARTIFACTS, PASSWORD, login, screenshot

FY = 2026
NUMBER = 21
REVIEW = f"/plan-review/{FY}"
PLAN_ACTIVITY = "/dataset/activity/minato-plan"


def _member(role: str) -> dict:
    """``support.staff.member(role)`` with the password ``login()`` types (the factory's own is
    random)."""
    import ckan.model as model

    user = member(role)
    account = model.User.get(user["name"])
    account.password = PASSWORD  # hashed by the model
    model.Session.commit()
    return user


def _path(page) -> str:
    return urllib.parse.urlsplit(page.url).path


def _state(page) -> str:
    return page.locator(".minato-review-state").get_attribute("data-state")


def _open_review(page) -> None:
    response = page.goto(REVIEW)
    assert response.status == 200, (page.url, response.status)
    assert _path(page) == REVIEW


def _save_draft(page, summary: str) -> None:
    """The draft form of the initiative: completed, A, ``summary``; back on the year's page."""
    response = page.goto(f"{REVIEW}/initiative/{NUMBER}")
    assert response.status == 200, response.status
    page.locator("#field-status").select_option("completed")
    page.locator("#field-rating").select_option("A")
    page.locator("#field-summary_ja").fill(summary)
    with page.expect_navigation():
        page.locator("#draft-save").click()
    assert _path(page) == REVIEW, page.url
    assert page.locator("#review-error").count() == 0
    expect(page.locator(f"#initiative-{NUMBER}")).to_contain_text(summary)
    assert _state(page) == rules.DRAFT


def _take_step(page, name: str, note: str = "") -> None:
    """The year's page, the step's form (with ``note``), its button; back on the year's page."""
    _open_review(page)
    form = page.locator(f"#review-{name}")
    expect(form).to_be_visible()
    if note:
        form.locator(f"#note-{name}").fill(note)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert _path(page) == REVIEW, page.url
    assert page.locator("#review-error").count() == 0, page.locator("#review-error").inner_text()


class Resident:
    """What a visitor who is not logged in gets from the review portal."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url

    def get(self, path: str) -> str:
        response = self.page.request.get(self.base_url + path)
        assert response.status == 200, (path, response.status)
        return response.body().decode("utf-8-sig")

    def initiative_page(self) -> str:
        response = self.page.goto(f"/dataset/{initiative_name(NUMBER)}")
        assert response.status == 200, response.status
        return self.page.locator("body").inner_text()

    def outputs(self) -> dict[str, str]:
        return {"initiative page": self.initiative_page(),
                "progress.ja.csv": self.get("/plan-data/progress.ja.csv"),
                "catalog.ttl": self.get("/catalog.ttl")}

    def sees_none_of(self, *texts: str) -> None:
        for where, body in self.outputs().items():
            for text in texts:
                assert text not in body, f"{text!r} is public in {where} before publishing"


def _dataset_graph(turtle: str):
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=turtle, format="turtle")
    return graph


def _initiative_dcat(resident: Resident):
    """The initiative's dataset URI and its dct:modified (or None) in /dataset/<name>.ttl."""
    from rdflib.namespace import DCAT, DCTERMS, RDF

    graph = _dataset_graph(resident.get(f"/dataset/{initiative_name(NUMBER)}.ttl"))
    datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 1, datasets
    modified = graph.value(datasets[0], DCTERMS.modified)
    return datasets[0], (str(modified) if modified is not None else None)


def _step_label_shown(name: str, text: str) -> bool:
    return rules.step_label(name, "ja") in text or rules.step_label(name, "en") in text


@pytest.mark.usefixtures("with_plugins")
def test_year_goes_from_draft_to_published(review_page_factory, review_portal):
    token = uuid.uuid4().hex[:8]
    first = f"ブラウザ下書き {token}"
    second = f"ブラウザ下書き（修正） {token}"
    return_note = f"指標の実績を追記してください {token}"
    submit_note = f"追記しました {token}"
    editor_user, reviewer_user = _member("editor"), _member("admin")

    editor = review_page_factory()
    login(editor, editor_user)
    reviewer = review_page_factory()
    login(reviewer, reviewer_user)
    resident = Resident(review_page_factory(), review_portal.url)
    uri, modified_before = _initiative_dcat(resident)

    # 1. The editor saves a draft through the form.
    _save_draft(editor, first)

    # 2. The resident sees nothing of it and is sent to log in for the review pages.
    resident.sees_none_of(first)
    resident.page.goto(REVIEW)
    assert "/user/login" in resident.page.url, resident.page.url
    resident.page.goto(f"{REVIEW}/initiative/{NUMBER}")
    assert "/user/login" in resident.page.url, resident.page.url

    # 3. The editor submits the year; the reviewer sees the draft and returns it with a note.
    _take_step(editor, rules.SUBMIT)
    assert _state(editor) == rules.SUBMITTED
    assert editor.locator("#review-submit").count() == 0
    _open_review(reviewer)
    assert _state(reviewer) == rules.SUBMITTED
    expect(reviewer.locator(f"#initiative-{NUMBER}")).to_contain_text(first)
    expect(reviewer.locator("#review-approve")).to_be_visible()
    screenshot(reviewer, "review-reviewer-submitted")
    _take_step(reviewer, rules.RETURN, note=return_note)
    assert _state(reviewer) == rules.RETURNED

    editor.reload()
    assert _state(editor) == rules.RETURNED
    expect(editor.locator(".minato-review-history")).to_contain_text(return_note)
    screenshot(editor, "review-editor-returned")

    # 4. The editor changes the draft and submits again (with a note).
    _save_draft(editor, second)
    _take_step(editor, rules.SUBMIT, note=submit_note)
    assert _state(editor) == rules.SUBMITTED

    # 5. The reviewer approves: still nothing public.
    _take_step(reviewer, rules.APPROVE)
    assert _state(reviewer) == rules.APPROVED
    expect(reviewer.locator(f"#initiative-{NUMBER}")).to_contain_text(second)
    resident.sees_none_of(first, second)
    assert _initiative_dcat(resident) == (uri, modified_before)
    screenshot(reviewer, "review-reviewer-approved")

    # 6. The reviewer publishes: the resident sees the second text, never the first.
    _take_step(reviewer, rules.PUBLISH)
    assert _state(reviewer) == rules.PUBLISHED
    assert reviewer.locator("#review-publish").count() == 0
    expect(reviewer.locator(".minato-review-history")).to_contain_text(return_note)
    expect(reviewer.locator(".minato-review-history")).to_contain_text(submit_note)
    screenshot(reviewer, "review-reviewer-published")

    outputs = resident.outputs()
    assert second in outputs["initiative page"]
    assert second in outputs["progress.ja.csv"]
    assert first not in outputs["initiative page"] and first not in outputs["progress.ja.csv"]
    screenshot(resident.page, "review-resident-published")

    # DCAT: the initiative is in the catalog, its dct:modified moved on with the publication.
    from rdflib.namespace import DCAT, DCTERMS, RDF

    uri_after, modified_after = _initiative_dcat(resident)
    (ARTIFACTS / "review-dcat-modified.json").write_text(json.dumps(
        {"uri": str(uri), "before": modified_before, "after": modified_after}, indent=2),
        encoding="utf-8")
    assert uri_after == uri
    catalog = _dataset_graph(outputs["catalog.ttl"])
    assert (uri, RDF.type, DCAT.Dataset) in catalog, f"{uri} is not in /catalog.ttl"
    assert modified_before is not None and modified_after is not None
    assert modified_after != modified_before
    in_catalog = catalog.value(uri, DCTERMS.modified)
    if in_catalog is not None:
        assert str(in_catalog) == modified_after

    # 7. The steps are in the plan's activity stream for the staff, not for residents.
    editor.goto(PLAN_ACTIVITY)
    steps = editor.locator("li.evaluated-package")
    assert steps.count() >= 7, steps.all_inner_texts()  # save, submit, return, save, ...
    text = " ".join(steps.all_inner_texts())
    for name in (rules.SAVE, rules.SUBMIT, rules.RETURN, rules.APPROVE, rules.PUBLISH):
        assert _step_label_shown(name, text), (name, text)
    assert return_note in text and submit_note in text
    screenshot(editor, "review-editor-activity")

    response = resident.page.goto(PLAN_ACTIVITY)
    assert response.status == 200 and _path(resident.page) == PLAN_ACTIVITY, (
        response.status, resident.page.url)
    assert resident.page.locator("li.evaluated-package").count() == 0
    public = resident.page.locator("body").inner_text()
    for text in (return_note, submit_note, first, second):
        assert text not in public
    screenshot(resident.page, "review-resident-activity")
