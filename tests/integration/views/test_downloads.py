"""The plan's downloads, data package, DataStore and actions against the real portal stack
(PostgreSQL, Solr, Redis, CKAN's DataStore): every file is fetched from its URL and compared with
the metadata as package_show gives it; `frictionless validate` runs on the served files."""
import csv
import decimal
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

import ckan.model as model
from ckan.plugins import toolkit as tk

from ckanext.minato_plan.domain import distributions
from ckanext.minato_plan.domain.tables import formats
from ckanext.minato_plan.logic import datastore as datastore_sync
from ckanext.minato_plan.logic import loader
from ckanext.minato_plan.domain.tables import columns as table_spec
from ckanext.minato_plan.domain.tables import csv_safety
from ckanext.minato_plan.domain.labels import NEW_OR_CONTINUED, STATUSES
from ckanext.minato_plan.domain.plan import load_plan

TRICKY_JA = '=SUM(A1)、カンマ,と"引用符"\r\n改行 〜 —𠮷'
TRICKY_EN = "-starts with a minus, has, commas and \"quotes\""
INDICATOR = {"name_ja": "オンライン手続数", "name_en": "Online procedures", "unit": "件",
             "baseline": "-3.50", "baseline_fiscal_year": "2020"}
INDICATOR_VALUES = [{"indicator": 1, "fiscal_year": 2021, "target": "10", "actual": "12.25"},
                    {"indicator": 1, "fiscal_year": 2026, "target": "1000"}]
_state: dict = {}


def _quiet(_line):
    pass


def _site():
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": user["name"]}


def _signature():
    result = tk.get_action("package_search")(
        {"ignore_auth": True}, {"q": "*:*", "rows": 1, "sort": "metadata_modified desc",
                                "include_private": True})
    latest = result["results"][0]["metadata_modified"] if result["results"] else None
    return result["count"], latest


def _clear_datastore():
    from ckanext.datastore.backend.postgres import get_write_engine
    from ckanext.datastore.tests.helpers import clear_db

    clear_db(orm.scoped_session(orm.sessionmaker(bind=get_write_engine())))


@pytest.fixture
def plan_data(with_plugins, reset_db, reset_index):
    """The plan loaded with sample progress, one real-looking entry with hostile text and one
    initiative with an indicator. Reused while nothing has changed the datasets."""
    if _state.get("signature") and _signature() == _state["signature"]:
        return
    reset_db()
    reset_index()
    _clear_datastore()
    loader.load(sample_progress=True, echo=_quiet)
    first = tk.get_action("package_show")({}, {"id": "minato-plan-initiative-01"})
    progress = first["progress"] + [{"fiscal_year": 2024, "status": "in_progress",
                                     "rating": "-", "summary_ja": TRICKY_JA,
                                     "summary_en": TRICKY_EN}]
    tk.get_action("package_patch")(_site(), {"id": first["id"], "progress": progress})
    tk.get_action("package_patch")(_site(), {"id": "minato-plan-initiative-02",
                                             "indicators": [INDICATOR],
                                             "indicator_values": INDICATOR_VALUES,
                                             "department_translated": {"ja": "情報政策課"},
                                             "department_email": "joho@example.jp"})
    _state["signature"] = _signature()


# --- the metadata, read independently of the table builders --------------------------------------

def _metadata():
    return [tk.get_action("package_show")({}, {"id": f"minato-plan-initiative-{n:02d}"})
            for n in range(1, 40)]


def _expected(table, lang):
    """Rows (key -> value, typed) that a table must hold, from package_show output."""
    plan = load_plan()
    ja = lang == "ja"
    out = []
    for pkg in _metadata():
        no = pkg["initiative_no"]
        common = {"lg_code": "131032", "lg_name": "港区" if ja else "Minato City",
                  "initiative_id": f"131032JK{no:03d}", "initiative_no": no,
                  "initiative_name": pkg["title_translated"][lang]}
        progress = sorted(pkg.get("progress") or [], key=lambda e: e["fiscal_year"])
        if table == "structure":
            latest = progress[-1] if progress else {}
            status = latest.get("status")
            department = pkg.get("department_translated") or {}
            out.append({
                "lg_code": "131032", "id": f"131032JK{no:03d}", "lg_name": common["lg_name"],
                "plan_name": "港区情報化推進計画" if ja else plan.short_title.en,
                "plan_start_fiscal_year": 2021, "plan_end_fiscal_year": 2026,
                "guideline_no": pkg["guideline_no"],
                "guideline_name": getattr(plan.guideline(pkg["guideline_no"]).title, lang),
                "measure_code": pkg["measure_code"],
                "measure_name": getattr(plan.measure(pkg["measure_code"]).title, lang),
                "initiative_no": no, "initiative_name": common["initiative_name"],
                "new_or_continued": (NEW_OR_CONTINUED[pkg["new_or_continued"]][0] if ja
                                     else pkg["new_or_continued"]),
                "plan_page": pkg.get("plan_page"),
                # the variant's language, else the other (a name is better than nothing)
                "department": next((department[k] for k in (lang, "ja", "en")
                                    if department.get(k)), None),
                "department_email": pkg.get("department_email") or None,
                "latest_fiscal_year": latest.get("fiscal_year"),
                "latest_status": (STATUSES[status][0] if ja else status) if status else None,
                "latest_rating": latest.get("rating"),
            })
        elif table == "progress":
            for e in progress:
                fy = e["fiscal_year"]
                out.append(dict(
                    common, id=f"131032JK{no:03d}-{fy}", fiscal_year=fy,
                    fiscal_year_label=f"令和{fy - 2018}年度" if ja else f"FY{fy}",
                    status=STATUSES[e["status"]][0] if ja else e["status"], rating=e["rating"],
                    summary_ja=e.get("summary_ja") or None, summary_en=e.get("summary_en") or None,
                    challenges_ja=e.get("challenges_ja") or None,
                    challenges_en=e.get("challenges_en") or None,
                    next_steps_ja=e.get("next_steps_ja") or None,
                    next_steps_en=e.get("next_steps_en") or None,
                    evidence_urls=e.get("evidence_urls") or None,
                    sample=bool(e.get("sample"))))
        else:
            values = {(int(v["indicator"]), int(v["fiscal_year"])): v
                      for v in pkg.get("indicator_values") or []}
            for pos, ind in enumerate(pkg.get("indicators") or [], start=1):
                for fy in range(2021, 2027):
                    value = values.get((pos, fy), {})
                    number = (lambda v: decimal.Decimal(v) if v not in (None, "") else None)
                    out.append(dict(
                        common, id=f"131032JK{no:03d}-I{pos:02d}-{fy}",
                        indicator_id=f"131032JK{no:03d}-I{pos:02d}",
                        indicator_name_ja=ind.get("name_ja") or None,
                        indicator_name_en=ind.get("name_en") or None, unit=ind.get("unit") or None,
                        baseline=number(ind.get("baseline")),
                        baseline_fiscal_year=ind.get("baseline_fiscal_year") or None,
                        fiscal_year=fy,
                        fiscal_year_label=f"令和{fy - 2018}年度" if ja else f"FY{fy}",
                        target=number(value.get("target")),
                        actual=number(value.get("actual")),
                        kind=ind.get("kind") or None, direction=ind.get("direction") or None,
                        target_fiscal_year=ind.get("target_fiscal_year") or None,
                        actual_as_of=value.get("as_of") or None,
                        actual_source=value.get("source") or None,
                        **_achievement(number(ind.get("baseline")), number(value.get("target")),
                                       number(value.get("actual")))))
    return out


def _achievement(baseline, target, actual):
    """The achievement columns of an indicator where higher is better, as the column dictionary
    defines them."""
    if target is None or actual is None or target == (baseline or 0):
        return {"achievement_percent": None, "judgement": None}
    share = (actual - baseline) / (target - baseline) if baseline is not None else actual / target
    percent = (share * 100).quantize(decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP)
    grade = "A" if percent >= 100 else "B" if percent >= 80 else "C"
    return {"achievement_percent": percent, "judgement": grade}


def _parse_csv(table, text, lang):
    """A downloaded CSV as typed rows keyed by column key (formula guards removed)."""
    columns = table_spec.TABLES[table].columns
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    assert header == [c.header(lang) for c in columns]
    out = []
    for row in rows:
        item = {}
        for column, cell in zip(columns, row):
            cell = csv_safety.restore_cell(cell)
            if cell == "":
                item[column.key] = None
            elif column.type == "integer":
                item[column.key] = int(cell)
            elif column.type == "number":
                item[column.key] = decimal.Decimal(cell)
            elif column.type == "boolean":
                item[column.key] = {"true": True, "false": False}[cell]
            else:
                item[column.key] = cell
        out.append(item)
    return out


def _json_rows(table, data):
    rows = json.loads(data)
    for row in rows:
        for column in table_spec.TABLES[table].columns:
            if column.type == "number" and row[column.key] is not None:
                row[column.key] = decimal.Decimal(str(row[column.key]))
    return rows


def _get(app, path, status=200):
    response = app.get(path, status=status)
    return response


def _frictionless(app, tmp_path):
    """Fetch datapackage.json and every file it lists from the portal into ``tmp_path`` and run
    `frictionless validate` on them; the JSON report."""
    descriptor = _get(app, "/plan-data/datapackage.json")
    (tmp_path / "datapackage.json").write_bytes(descriptor.data)
    for resource in json.loads(descriptor.data)["resources"]:
        (tmp_path / resource["path"]).write_bytes(
            _get(app, f"/plan-data/{resource['path']}").data)
    frictionless = Path(sys.executable).with_name("frictionless")
    run = subprocess.run([str(frictionless), "validate", "--json", "datapackage.json"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    return json.loads(run.stdout)


@pytest.mark.usefixtures("loaded_plan")
def test_data_package_of_the_plan_as_published_is_valid(app, tmp_path):
    """The default portal: no progress and no indicators published, so two tables are empty."""
    report = _frictionless(app, tmp_path)
    assert report["valid"], [(task["name"], e.get("note")) for task in report["tasks"]
                             for e in task["errors"]]
    rows = {task["name"]: task["stats"].get("rows", 0) for task in report["tasks"]}
    assert rows["structure-ja-cp932-csv"] == 39
    assert rows["progress-ja-csv"] == rows["indicators-en-csv"] == 0
    assert json.loads(_get(app, "/plan-data/indicators.en.json").data) == []


# --- downloads -----------------------------------------------------------------------------------

@pytest.mark.usefixtures("plan_data")
class TestDownloads:

    @pytest.mark.parametrize("table", ["structure", "progress", "indicators"])
    @pytest.mark.parametrize("suffix", ["ja.csv", "en.csv", "ja.json", "en.json"])
    def test_each_table_round_trips_to_the_metadata(self, app, table, suffix):
        variant = formats.VARIANTS[suffix]
        response = _get(app, f"/plan-data/{table}.{suffix}")
        assert response.headers["Content-Type"] == variant.mimetype
        if variant.format == "CSV":
            assert response.data.startswith(b"\xef\xbb\xbf")  # Excel's cue for UTF-8
            assert b"\r\n" in response.data
            assert "attachment" in response.headers["Content-Disposition"]
            got = _parse_csv(table, response.data.decode("utf-8-sig"), variant.lang)
        else:
            got = _json_rows(table, response.data)
        expected = _expected(table, variant.lang)
        assert got == expected
        assert len(expected) == {"structure": 39, "progress": 118, "indicators": 6}[table]

    def test_hostile_text_is_quoted_and_neutralised_and_the_rating_dash_kept(self, app):
        text = _get(app, "/plan-data/progress.ja.csv").data.decode("utf-8-sig")
        assert '"\'=SUM(A1)、カンマ,と""引用符""\r\n改行 〜 —𠮷"' in text
        line = [row for row in csv.reader(io.StringIO(text, newline=""))
                if row[1] == "131032JK001-2024"][0]
        assert line[9] == "-" and line[11].startswith("'-starts")

    def test_shift_jis_variant_decodes_and_differs_only_by_reported_characters(self, app):
        for table in table_spec.TABLES:
            response = _get(app, f"/plan-data/{table}.ja.cp932.csv")
            assert response.headers["Content-Type"] == "text/csv; charset=Shift_JIS"
            decoded = response.data.decode("cp932")  # strict decoding
            utf8 = _get(app, f"/plan-data/{table}.ja.csv").data.decode("utf-8-sig")
            report = [c for c in json.loads(_get(app, "/plan-data/cp932-report.json").data)
                      if c["table"] == table]
            assert int(response.headers["X-Cp932-Replacements"]) == len(report)
            for change in report:
                utf8 = utf8.replace(change["character"], change["replacement"], 1)
            assert decoded == utf8
        report = json.loads(_get(app, "/plan-data/cp932-report.json").data)
        assert {(c["id"], c["column"], c["codepoint"], c["replacement"], c["kind"])
                for c in report if c["id"] == "131032JK001-2024"} == {
            ("131032JK001-2024", "実績の概要", "U+20BB7", "〓", "replaced"),
            ("131032JK001-2024", "実績の概要", "U+2014", "―", "substituted"),
            ("131032JK001-2024", "実績の概要", "U+301C", "～", "mapped"),
        }

    def test_frictionless_validate_passes_on_the_served_data_package(self, app, tmp_path):
        report = _frictionless(app, tmp_path)
        problems = [(task["name"], e.get("note")) for task in report["tasks"]
                    for e in task["errors"]]
        assert report["valid"], problems
        rows = {task["name"]: task["stats"].get("rows", 0) for task in report["tasks"]}
        assert len(rows) == 9
        assert rows["structure-ja-csv"] == rows["structure-en-csv"] == 39
        assert rows["progress-ja-cp932-csv"] == 118 and rows["indicators-en-csv"] == 6

    def test_frictionless_catches_a_broken_file(self, app, tmp_path):
        """The validation above can fail: an edited file with an unknown status is refused."""
        descriptor = json.loads(_get(app, "/plan-data/datapackage.json").data)
        descriptor["resources"] = [r for r in descriptor["resources"]
                                   if r["name"] in ("structure-ja-csv", "progress-ja-csv")]
        (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        for name in ("structure.ja.csv", "progress.ja.csv"):
            (tmp_path / name).write_bytes(_get(app, f"/plan-data/{name}").data)
        edited = (tmp_path / "progress.ja.csv").read_bytes().replace(
            "実施中".encode(), "実施済".encode(), 1)
        (tmp_path / "progress.ja.csv").write_bytes(edited)
        frictionless = Path(sys.executable).with_name("frictionless")
        run = subprocess.run([str(frictionless), "validate", "--json", "datapackage.json"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=300)
        report = json.loads(run.stdout)
        assert not report["valid"]
        assert {e["type"] for task in report["tasks"] for e in task["errors"]} == {
            "constraint-error"}

    def test_column_dictionary_in_japanese_and_english(self, app):
        ja = _get(app, "/plan-data/columns.ja.csv").data.decode("utf-8-sig")
        en = _get(app, "/plan-data/columns.en.csv").data.decode("utf-8-sig")
        assert ja.startswith("表ID,表名,列番号") and en.startswith("table,table_name,position")
        assert "評価対象外" in ja and "not rated" in en

    def test_an_initiative_offers_its_own_progress_and_indicators(self, app):
        got = _parse_csv("progress", _get(
            app, "/plan-data/initiative/1/progress.ja.csv").data.decode("utf-8-sig"), "ja")
        assert got == [r for r in _expected("progress", "ja") if r["initiative_no"] == 1]
        indicators = _json_rows("indicators", _get(
            app, "/plan-data/initiative/2/indicators.en.json").data)
        assert indicators == [r for r in _expected("indicators", "en")
                              if r["initiative_no"] == 2]
        assert _get(app, "/plan-data/initiative/3/indicators.ja.json").data.strip() == b"[\n]"
        _get(app, "/plan-data/initiative/40/progress.ja.csv", status=404)
        _get(app, "/plan-data/initiative/1/structure.ja.csv", status=404)
        _get(app, "/plan-data/progress.xlsx", status=404)

    def test_resources_point_at_the_live_files_with_format_and_media_type(self, app):
        plan = tk.get_action("package_show")({}, {"id": "minato-plan"})
        assert len(plan["resources"]) == 18
        site = tk.config.get("ckan.site_url")
        for resource in plan["resources"]:
            assert resource["url"].startswith(f"{site}/plan-data/")
            assert resource["format"] in ("CSV", "JSON")
            assert resource["mimetype"] == ("text/csv" if resource["format"] == "CSV"
                                            else "application/json")
            response = _get(app, resource["url"][len(site):])
            assert response.headers["Content-Type"].startswith(resource["mimetype"])
        initiative = tk.get_action("package_show")({}, {"id": "minato-plan-initiative-27"})
        assert [r["url"][len(site):] for r in initiative["resources"]][:3] == [
            "/plan-data/initiative/27/progress.ja.csv",
            "/plan-data/initiative/27/progress.ja.cp932.csv",
            "/plan-data/initiative/27/progress.en.csv"]

    def test_second_load_changes_nothing_and_keeps_the_resources(self):
        before = tk.get_action("package_show")({}, {"id": "minato-plan"})
        report = loader.load(echo=_quiet)
        assert report.summary("initiative") == "0 created, 0 updated, 39 unchanged"
        assert report.summary() == "0 created, 0 updated, 45 unchanged"
        after = tk.get_action("package_show")({}, {"id": "minato-plan"})
        assert [r["id"] for r in after["resources"]] == [r["id"] for r in before["resources"]]
        assert after["metadata_modified"] == before["metadata_modified"]


# --- DataStore -----------------------------------------------------------------------------------

def _datastore_resources():
    plan = tk.get_action("package_show")({}, {"id": "minato-plan"})
    out = {}
    for resource in plan["resources"]:
        _no, name = distributions.parse_plan_data_url(resource["url"])
        table, _, suffix = name.partition(".")
        if table in table_spec.TABLES and suffix in distributions.DATASTORE_SUFFIXES:
            assert resource["datastore_active"] is True
            out[(table, formats.VARIANTS[suffix].lang)] = resource["id"]
    assert len(out) == 6
    return out


@pytest.mark.usefixtures("plan_data")
class TestDataStore:

    def test_datastore_totals_and_rows_match_the_downloads(self, app):
        for (table, lang), rid in _datastore_resources().items():
            download = _json_rows(table, _get(app, f"/plan-data/{table}.{lang}.json").data)
            result = app.get("/api/3/action/datastore_search",
                             query_string={"resource_id": rid, "limit": 1000,
                                           "sort": "id"}).json["result"]
            assert result["total"] == len(download)
            records = [{k: v for k, v in r.items() if k != "_id"} for r in result["records"]]
            for record in records:
                for column in table_spec.TABLES[table].columns:
                    if column.type == "number" and record[column.key] is not None:
                        record[column.key] = decimal.Decimal(str(record[column.key]))
            assert records == sorted(download, key=lambda r: r["id"])
            labels = {f["id"]: f.get("info", {}).get("label") for f in result["fields"]}
            assert labels["fiscal_year" if table != "structure" else "id"] == (
                ("年度" if lang == "ja" else "fiscal_year") if table != "structure" else
                ("ID" if lang == "ja" else "id"))

    def test_datastore_search_sql_and_dump(self, app):
        rid = _datastore_resources()[("progress", "ja")]
        sql = (f'SELECT fiscal_year, count(*) AS n FROM "{rid}" GROUP BY fiscal_year '
               f"ORDER BY fiscal_year")
        result = app.get("/api/3/action/datastore_search_sql",
                         query_string={"sql": sql}).json["result"]
        counts = {r["fiscal_year"]: int(r["n"]) for r in result["records"]}
        assert counts == {2021: 39, 2022: 39, 2023: 39, 2024: 1}
        dump = app.get(f"/datastore/dump/{rid}").data.decode("utf-8-sig")
        assert len(list(csv.reader(io.StringIO(dump, newline="")))) == 1 + 118

    def test_the_datastore_read_user_cannot_write(self, app):
        rid = _datastore_resources()[("progress", "ja")]
        response = app.get("/api/3/action/datastore_search_sql",
                           query_string={"sql": f'DELETE FROM "{rid}"'}, status=409)
        assert response.json["success"] is False
        assert tk.get_action("datastore_search")({}, {"resource_id": rid})["total"] == 118


# --- actions ------------------------------------------------------------------------------------

@pytest.mark.usefixtures("plan_data")
class TestActions:

    def test_minato_plan_show_for_anyone(self, app):
        shown = app.get("/api/3/action/minato_plan_show").json["result"]
        assert shown["initiative_count"] == 39
        assert shown["title"]["en"].startswith("Minato City Informatization Promotion Plan")
        first = shown["guidelines"][0]["measures"][0]["initiatives"][0]
        assert first["number"] == 1 and first["current"]["fiscal_year"] == 2024
        assert first["current"]["status_label"] == {"ja": "実施中", "en": "In progress"}
        assert first["current"]["rating_label"] == {"ja": "評価対象外", "en": "Not rated"}
        assert sum(shown["current_status_counts"].values()) == 39

    def test_minato_plan_progress_list_filters(self, app):
        def listed(**params):
            return app.get("/api/3/action/minato_plan_progress_list",
                           query_string=params).json["result"]

        assert listed()["count"] == 118
        one = listed(initiative="1", fiscal_year="2024")
        assert one["count"] == 1 and one["results"][0]["summary_ja"] == TRICKY_JA
        assert one["results"][0]["sample"] is False
        assert listed(guideline="4", fiscal_year="2021")["count"] == 4
        assert listed(measure="3-2")["count"] == 3
        assert listed(initiative="131032JK030")["count"] == 3

    def test_bad_filter_is_a_clear_bilingual_error(self, app):
        response = app.get("/api/3/action/minato_plan_progress_list",
                           query_string={"fiscal_year": "2031"}, status=409)
        message = response.json["error"]["fiscal_year"][0]
        assert "年度は2021" in message and "(got 2031)" in message


# --- keeping the DataStore current (these change the data: they run last) ----------------------

def _ds_rows(table, lang, **filters):
    rid = _datastore_resources()[(table, lang)]
    return tk.get_action("datastore_search")(
        {}, {"resource_id": rid, "filters": filters, "sort": "id", "limit": 1000})["records"]


@pytest.fixture
def plan_to_change(with_plugins, reset_db, reset_index, request):
    """The loaded plan, as ``plan_data`` left it or as an earlier test of this class changed it
    (each test changes an initiative of its own), so that loading runs once for the class."""
    if _signature() not in (_state.get("signature"), _state.get("changed")):
        request.getfixturevalue("plan_data")
    yield
    _state["changed"] = _signature()


@pytest.mark.usefixtures("plan_to_change")
class TestKeptCurrent:

    def test_progress_change_reaches_the_datastore_and_the_downloads(self, app):
        pkg = tk.get_action("package_show")({}, {"id": "minato-plan-initiative-05"})
        progress = [dict(e) for e in pkg["progress"]]
        progress[-1].update(status="completed", rating="A", sample=False,
                            summary_ja="令和5年度に完了", summary_en="Completed in FY2023")
        tk.get_action("package_patch")(_site(), {"id": pkg["id"], "progress": progress})
        rows = _ds_rows("progress", "ja", initiative_no=5)
        assert [(r["fiscal_year"], r["status"]) for r in rows][-1] == (2023, "完了")
        assert _ds_rows("progress", "en", initiative_no=5)[-1]["summary_en"] == \
            "Completed in FY2023"
        assert _ds_rows("structure", "en", initiative_no=5)[0]["latest_status"] == "completed"
        download = _parse_csv("progress", _get(app, "/plan-data/progress.ja.csv").data
                              .decode("utf-8-sig"), "ja")
        assert [r for r in download if r["id"] == "131032JK005-2023"][0]["status"] == "完了"
        total = tk.get_action("datastore_search")(
            {}, {"resource_id": _datastore_resources()[("progress", "ja")]})["total"]
        assert total == len(download)

    def test_rolled_back_change_never_reaches_the_datastore(self):
        before = _ds_rows("progress", "ja", initiative_no=6)
        context = dict(_site(), defer_commit=True)
        tk.get_action("package_patch")(context, {"id": "minato-plan-initiative-06",
                                                 "progress": []})
        model.Session.rollback()
        assert _ds_rows("progress", "ja", initiative_no=6) == before
        model.Session.commit()  # a later, unrelated commit writes nothing either
        assert _ds_rows("progress", "ja", initiative_no=6) == before

    def test_deleted_initiative_leaves_the_tables(self, app):
        tk.get_action("package_delete")(_site(), {"id": "minato-plan-initiative-07"})
        assert _ds_rows("structure", "ja", initiative_no=7) == []
        assert _ds_rows("progress", "en", initiative_no=7) == []
        structure = _parse_csv("structure", _get(app, "/plan-data/structure.ja.csv").data
                               .decode("utf-8-sig"), "ja")
        assert len(structure) == 38 and 7 not in [r["initiative_no"] for r in structure]

    def test_refresh_all_rebuilds_the_tables(self):
        engine = sa.create_engine(tk.config["ckan.datastore.write_url"])
        rid = _datastore_resources()[("progress", "en")]
        with engine.begin() as conn:
            conn.execute(sa.text(f'DELETE FROM "{rid}"'))
        engine.dispose()
        counts = datastore_sync.refresh_all()
        assert counts["progress.en"] == len(_ds_rows("progress", "en")) > 0
