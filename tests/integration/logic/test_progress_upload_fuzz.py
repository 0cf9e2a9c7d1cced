"""Property-based test of the whole upload against the real database and Solr: for random files
(valid and invalid rows, duplicates, mixed encodings) and random interference (another editor
changing an initiative between preview and apply), the outcome is always all or nothing: either
every previewed change is in the database and the search index, or nothing changed at all."""
from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pytest

from ckan.plugins import toolkit as tk

from support.plan_names import initiative_name

from support.progress_csv import build, row
from support.staff import ctx, member, show  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("plan_in_place")

NUMBERS = (36, 37, 38, 39)

rows_strategy = st.lists(
    st.tuples(st.sampled_from(NUMBERS + (40,)), st.integers(2020, 2027),
              st.sampled_from(["in_progress", "completed", "実施中", "bogus"]),
              st.sampled_from(["A", "B", "C", "-", "Z"]), st.booleans()),
    min_size=1, max_size=8)


def _state():
    db = {n: (show(n).get("progress"), show(n)["metadata_modified"]) for n in NUMBERS}
    found = tk.get_action("package_search")({}, {
        "fq": "initiative_no:[36 TO 39]", "rows": 10, "fl": "name,metadata_modified"})
    return db, sorted((r["name"], r["metadata_modified"]) for r in found["results"])


@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=rows_strategy, encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
       interfere=st.sampled_from([None] + list(NUMBERS)))
def test_upload_is_all_or_nothing(rows, encoding, interfere):
    editor = member("editor")
    marker = uuid.uuid4().hex[:8]
    data = build([row(n, fy, status=s, rating=r, summary_en=f"{marker}-{i}",
                      sample="true" if smp else "false")
                  for i, (n, fy, s, r, smp) in enumerate(rows)], encoding=encoding)
    preview = tk.get_action("minato_plan_progress_upload_preview")(ctx(editor), {"csv": data})
    if interfere is not None:
        tk.get_action("package_patch")(ctx(member("admin")), {
            "id": initiative_name(interfere),
            "notes_translated": {"ja": marker, "en": marker}})
    before = _state()
    try:
        tk.get_action("minato_plan_progress_upload_apply")(ctx(editor),
                                                          {"token": preview["token"]})
    except tk.ValidationError:
        assert _state() == before  # refused: nothing at all changed
        return
    # applied: every previewed change is there, in the database and in Solr
    assert preview["status"] == "ready"
    for change in preview["changes"]:
        entry = next(e for e in show(change["initiative_no"])["progress"]
                     if e["fiscal_year"] == change["fiscal_year"])
        assert entry.get(change["field"], "" if change["field"] != "sample" else False) \
            == change["new"]
    touched = {c["name"] for c in preview["changes"]}
    for name in touched:
        found = tk.get_action("package_search")({}, {"q": f'name:"{name}"',
                                                     "fl": "metadata_modified"})
        # Solr keeps milliseconds
        assert found["results"][0]["metadata_modified"][:23] == show(
            int(name.rsplit("-", 1)[1]))["metadata_modified"][:23]
    assert interfere is None or initiative_name(interfere) not in preview["versions"]
