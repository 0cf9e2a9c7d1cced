"""Benchmark of the downloads (prints figures; not a test).

    .venv/bin/python bench/bench_downloads.py [--sizes 1000,2500,5000,10000] [--rounds 3]
        [-c CONFIG [--load]] [--requests 50]

1. Export scaling: synthetic initiatives (N = 1,000 … 10,000, each with six fiscal years of
   progress and one indicator), the ``structure`` table (N rows) and the ``progress`` table (6N
   rows) written as CSV UTF-8 with BOM, CSV Shift_JIS (cp932) and JSON: wall time (median of
   --rounds), output size, and the peak memory the export allocates (tracemalloc) with the
   initiatives produced lazily, so a flat peak means the writers stream (memory does not grow
   with the rows). Target: 10,000 initiatives < 2 s.
2. The real plan (39 initiatives with the fictional sample progress, 117 progress rows): the
   median time of each table and variant, pure export (target < 50 ms).
3. With ``-c CONFIG`` (a CKAN ini whose database holds the plan; ``--load`` loads it with the
   sample progress, idempotently): the median latency of ``GET /plan-data/<table>.<variant>``
   over the whole CKAN stack in-process (Flask test client: routing, one package_search to Solr,
   building, streaming), --requests times each. It only reads, apart from ``--load``.
"""
from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
import tracemalloc
from typing import Any, Iterator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from ckanext.minato_plan.domain import records, sample  # noqa: E402
from ckanext.minato_plan.domain.tables import columns, formats, writers  # noqa: E402
from ckanext.minato_plan.domain.tables import rows as table_rows  # noqa: E402
from ckanext.minato_plan.domain.labels import STATUSES  # noqa: E402
from ckanext.minato_plan.domain.plan import load_plan  # noqa: E402

FISCAL_YEARS = load_plan().fiscal_years

FORMATS = ("ja.csv", "ja.cp932.csv", "ja.json")


def synthetic(n: int) -> Iterator[dict[str, Any]]:
    """N initiative package dicts shaped like package_search results, made one at a time."""
    plan = load_plan()
    statuses = list(STATUSES)
    for number in range(1, n + 1):
        real = plan.initiatives[(number - 1) % len(plan.initiatives)]
        yield {
            "name": f"bench-initiative-{number}", "initiative_no": number,
            "guideline_no": real.guideline_no, "measure_code": real.measure_code,
            "new_or_continued": real.new_or_continued, "plan_page": real.plan_page,
            "title": real.title.ja,
            "title_translated": {"ja": f"{real.title.ja}（{number}）",
                                 "en": f"{real.title.en} ({number})"},
            "progress": [{
                "fiscal_year": fy, "status": statuses[(number + fy) % len(statuses)],
                "rating": "ABC-"[(number + fy) % 4],
                "summary_ja": f"{fy}年度は、区民向けの手続を{number % 50}件オンライン化し、"
                              f"窓口の待ち時間を短縮しました。「デジタル〜」—検証中。",
                "summary_en": f"In FY{fy}, {number % 50} procedures went online, shortening "
                              f"waiting times at the counters; \"digital\", reviewed.",
                "sample": True,
            } for fy in FISCAL_YEARS],
            "indicators": [{"name_ja": "オンライン手続数", "name_en": "Online procedures",
                            "unit": "件", "baseline": "12", "baseline_fiscal_year": "2020",
                            **{f"target_{fy}": str(10 + fy - 2021) for fy in FISCAL_YEARS},
                            **{f"actual_{fy}": str(9.5 + fy - 2021) for fy in FISCAL_YEARS}}],
        }


def _write(table: str, suffix: str, initiatives: Any, lazy: bool = False) -> int:
    variant = formats.VARIANTS[suffix]
    builder = {"structure": table_rows.structure_rows, "progress": table_rows.progress_rows,
               "indicators": table_rows.indicator_rows}[table]
    plan = load_plan()
    rows = (builder(initiatives, variant.lang, plan) if lazy
            else table_rows.rows(table, initiatives, variant.lang, plan))
    size = 0
    for chunk in writers.table_bytes(columns.TABLES[table], rows, variant):
        size += len(chunk)
    return size


def _median_time(fn: Any, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _peak_kib(fn: Any) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024


def scaling(sizes: list[int], rounds: int) -> None:
    print("1. export scaling: synthetic initiatives, six fiscal years of progress each")
    print(f"   {'N':>6} {'table':<10} {'rows':>6} {'format':<13} {'time':>9} {'size':>9} "
          f"{'peak mem':>10}")
    for n in sizes:
        initiatives = list(synthetic(n))  # in memory, as package_search returns them
        for table, rows in (("structure", n), ("progress", 6 * n)):
            for suffix in FORMATS:
                seconds = _median_time(lambda: _write(table, suffix, initiatives), rounds)
                size = _write(table, suffix, initiatives)
                peak = _peak_kib(lambda: _write(table, suffix, synthetic(n), lazy=True))
                print(f"   {n:>6} {table:<10} {rows:>6} {suffix:<13} {seconds * 1000:7.0f} ms "
                      f"{size / 1e6:6.2f} MB {peak:7.0f} KiB")
        del initiatives
    print("   (peak mem: everything the export allocates, input made lazily one initiative at "
          "a time)")


def real_plan(rounds: int) -> None:
    plan = load_plan()
    pkgs = records.initiative_dataset_dicts(plan)
    samples = sample.load_sample_progress()
    for pkg in pkgs:
        pkg["progress"] = samples.get(pkg["initiative_no"], [])
    print(f"\n2. the plan's {len(pkgs)} initiatives with sample progress, pure export "
          f"(median of {rounds})")
    worst = 0.0
    for table in columns.TABLES:
        cells = []
        for suffix in formats.VARIANTS:
            seconds = _median_time(lambda: _write(table, suffix, pkgs), rounds)
            worst = max(worst, seconds)
            cells.append(f"{suffix} {seconds * 1000:5.2f} ms")
        rows = sum(1 for _ in table_rows.rows(table, pkgs, "ja"))
        print(f"   {table:<10} {rows:>4} rows  " + "  ".join(cells))
    print(f"   slowest: {worst * 1000:.2f} ms (target < 50 ms)")


def http(config: str, load: bool, requests: int) -> None:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    from werkzeug.test import Client

    app = make_app(load_config(config))
    if load:
        from ckanext.minato_plan.logic import loader

        with app._wsgi_app.test_request_context("/"):
            report = loader.load(sample_progress=True, echo=lambda _line: None)
            print("\nloading the plan:", report.summary())
    client = Client(app)
    print(f"\n3. GET /plan-data/… over the CKAN stack in-process ({config}), median of "
          f"{requests}")
    for path in ("structure.ja.csv", "progress.ja.csv", "progress.ja.cp932.csv",
                 "progress.en.json", "initiative/27/progress.ja.csv", "datapackage.json"):
        client.get(f"/plan-data/{path}")  # warm-up
        times, size, status = [], 0, 0
        for _ in range(requests):
            t0 = time.perf_counter()
            response = client.get(f"/plan-data/{path}")
            body = response.get_data()
            times.append(time.perf_counter() - t0)
            size, status = len(body), response.status_code
        print(f"   {path:<32} {statistics.median(times) * 1000:6.1f} ms  (p90 "
              f"{sorted(times)[int(len(times) * 0.9) - 1] * 1000:6.1f} ms, {size / 1024:5.1f} KiB,"
              f" HTTP {status})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,2500,5000,10000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("-c", "--config", help="CKAN ini for the HTTP figures")
    parser.add_argument("--load", action="store_true", help="load the plan (with samples) first")
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    scaling([int(s) for s in args.sizes.split(",")], args.rounds)
    real_plan(max(args.rounds, 20))
    if args.config:
        http(args.config, args.load, args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
