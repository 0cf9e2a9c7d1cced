"""``/datastore/dump/<id>``: no live spreadsheet formula in the CSV and TSV dumps of any DataStore
table (an ordinary one and the plan's own), numbers of numeric fields kept as numbers, JSON as
stored (real CKAN, PostgreSQL DataStore)."""
from __future__ import annotations

import csv
import io
import json

import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories

from ckanext.minato_plan.domain import distributions
from support.plan_names import ORGANIZATION_NAME
from ckanext.minato_plan.domain.tables import columns as table_spec
from ckanext.minato_plan.domain.tables import csv_safety, formats

from support.progress_csv import build, row
from support.staff import ctx, member

pytestmark = pytest.mark.usefixtures("plan_in_place")

HYPERLINK = '=HYPERLINK("http://x")'
RECORDS = [
    {"t": HYPERLINK, "n": -2, "i": -3, "f": -1.5},
    {"t": "+1", "n": 2.5, "i": 4, "f": 1e-7},
    {"t": "-2", "n": 0, "i": 0, "f": 0},
    {"t": "@SUM(A1)", "n": None, "i": None, "f": None},
    {"t": "plain, with a comma", "n": -12.25, "i": -1, "f": -3},
    {"t": "\t=1", "n": 1, "i": 1, "f": 1},
    {"t": "'=already", "n": 1, "i": 1, "f": 1},
]
NEUTRALISED = [f"'{HYPERLINK}", "'+1", "'-2", "'@SUM(A1)", "plain, with a comma", "'\t=1",
               "''=already"]


@pytest.fixture
def table():
    org = tk.get_action("organization_show")({"ignore_auth": True}, {"id": ORGANIZATION_NAME})
    dataset = factories.Dataset(owner_org=org["id"])
    resource = factories.Resource(package_id=dataset["id"], url="http://example.com/t.csv")
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    tk.get_action("datastore_create")({"user": site}, {
        "resource_id": resource["id"], "force": True,
        "fields": [{"id": "t", "type": "text"}, {"id": "n", "type": "numeric"},
                   {"id": "i", "type": "int"}, {"id": "f", "type": "float8"}],
        "records": RECORDS})
    return resource["id"]


def _dump(app, rid, **params):
    response = app.get(f"/datastore/dump/{rid}", query_string=params)
    assert response.status_code == 200, response.body[:300]
    return response.data.decode("utf-8")


def _rows(text, delimiter=","):
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""),
                           delimiter=delimiter))


@pytest.mark.parametrize("fmt,delimiter", [("csv", ","), ("tsv", "\t")])
def test_csv_and_tsv_dumps_neutralise_formulas_and_keep_numbers(app, table, fmt, delimiter):
    header, *rows = _rows(_dump(app, table, format=fmt), delimiter)
    assert header == ["_id", "t", "n", "i", "f"]
    assert [r[1] for r in rows] == NEUTRALISED
    assert [csv_safety.restore_cell(r[1]) for r in rows] == [r["t"] for r in RECORDS]
    assert [r[2:4] for r in rows][:5] == [["-2", "-3"], ["2.5", "4"], ["0", "0"], ["", ""],
                                         ["-12.25", "-1"]]
    for r, record in zip(rows, RECORDS):
        for key, cell in zip("nif", r[2:]):
            assert (float(cell) if cell else None) == record[key]


def test_dump_options_still_apply(app, table):
    text = _dump(app, table, bom="true", limit="2", fields="t,n")
    assert text.startswith("\ufeff")
    assert _rows(text) == [["t", "n"], [f"'{HYPERLINK}", "-2"], ["'+1", "2.5"]]
    filtered = _rows(_dump(app, table, q="SUM"))
    assert [r[1] for r in filtered[1:]] == ["'@SUM(A1)"]


@pytest.mark.ckan_config("ckan.datastore.search.rows_max", "2")
def test_a_dump_of_many_pages_is_neutralised_throughout(app, table):
    rows = _rows(_dump(app, table))
    assert [r[1] for r in rows[1:]] == NEUTRALISED


def test_json_dump_is_the_stored_data_and_xlsx_is_not_offered(app, table):
    dumped = json.loads(_dump(app, table, format="json"))
    assert [r[1] for r in dumped["records"]] == [r["t"] for r in RECORDS]
    refused = app.get(f"/datastore/dump/{table}", query_string={"format": "xlsx"})
    assert refused.status_code == 400 and "Unsupported format" in refused.body


def _plan_resource(table, lang):
    plan = tk.get_action("package_show")({}, {"id": "minato-plan"})
    for resource in plan["resources"]:
        parsed = distributions.parse_plan_data_url(resource["url"])
        if parsed and parsed[0] is None:
            name, _, suffix = parsed[1].partition(".")
            if name == table and formats.VARIANTS.get(suffix) \
                    and formats.VARIANTS[suffix].lang == lang \
                    and suffix in distributions.DATASTORE_SUFFIXES:
                return resource["id"]
    raise AssertionError(f"no DataStore resource for {table}.{lang}")


def test_plan_table_dump_writes_cells_as_the_plan_data_file_does(app):
    admin = member("admin")
    preview = tk.get_action("minato_plan_progress_upload_preview")(ctx(admin), {
        "csv": build([row(31, 2022, status="not_started", rating="-", summary_ja=HYPERLINK,
                          summary_en="-2")])})
    assert preview["status"] == "ready", preview["problems"]
    tk.get_action("minato_plan_progress_upload_apply")(ctx(admin), {"token": preview["token"]})

    keys = [c.key for c in table_spec.PROGRESS.columns]
    header, *rows = _rows(_dump(app, _plan_resource("progress", "ja")))
    dumped = dict(zip(header, next(r for r in rows if r[header.index("id")]
                                   == "131032JK031-2022")))
    file_header, *file_rows = _rows(app.get("/plan-data/progress.ja.csv").data.decode("utf-8"))
    in_file = dict(zip(keys, next(r for r in file_rows if "131032JK031-2022" in r)))
    for key in ("rating", "summary_ja", "summary_en", "initiative_no", "fiscal_year"):
        assert dumped[key] == in_file[key], key
    assert (dumped["rating"], dumped["summary_ja"], dumped["summary_en"]) == \
        ("-", f"'{HYPERLINK}", "'-2")
