"""Benchmark of the staff progress upload (prints figures; not a test).

    .venv/bin/python bench/bench_progress_upload.py [-c CONFIG] [--load] [--rounds 5]

A 39 × 6-row progress CSV (every initiative, every fiscal year 2021–2026; each round changes
every row, so each apply writes all 39 initiatives) is put through:

1. parse + validate (pure ``upload.parse``), for UTF-8 with BOM and Shift_JIS (cp932);
2. ``minato_plan_progress_upload_preview``: parse, validate, read the 39 initiatives, compute the
   change set, store it in Redis;
3. ``minato_plan_progress_upload_apply``: re-validation, version checks, 39 ``package_patch`` in
   one transaction with their activities, one commit, the search index update;
4. validate-and-apply = 2 + 3.

Runs in-process (no server, no port) against the database, Solr site id and Redis of the given
config (default ``.local/test-bench.ini``; create it with
``TEST_WORKER=bench bash scripts/test.sh tests/test_plan.py``). ``--load`` loads the plan first.
It WRITES progress to every initiative there: never point it at a portal you care about.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import app_from_command_line  # noqa: E402
sys.path.insert(0, os.path.join(ROOT, "tests"))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def main() -> int:
    args, app = app_from_command_line(__doc__, "bench_progress_upload")
    if app is None:
        return 2
    flask_app = app._wsgi_app

    import ckan.model as model
    import ckan.plugins.toolkit as tk

    from ckanext.minato_plan.domain.progress_upload import parsing as upload
    from support.progress_csv import full_file

    with flask_app.test_request_context("/initiative-progress/upload"):
        if args.load:
            from ckanext.minato_plan.logic import loader
            print("loading the plan:", loader.load(echo=lambda _line: None).summary())
        count = tk.get_action("package_search")(
            {}, {"fq": "dataset_type:initiative", "rows": 0})["count"]
        if count != 39:
            print(f"bench_progress_upload: {count} initiatives, not 39; run with --load",
                  file=sys.stderr)
            return 2
        name = f"bench-editor-{uuid.uuid4().hex[:8]}"
        tk.get_action("user_create")({"ignore_auth": True}, {
            "name": name, "email": f"{name}@example.com", "password": uuid.uuid4().hex})
        tk.get_action("organization_member_create")(
            {"ignore_auth": True}, {"id": "minato-city", "username": name, "role": "editor"})
        context = lambda: {"user": name, "model": model, "session": model.Session}  # noqa: E731

        rounds = max(1, args.rounds)
        pure: dict[str, list[float]] = {"utf-8-sig": [], "cp932": []}
        previews, applies, totals = [], [], []
        changes = rows = 0
        for index in range(rounds + 1):  # the first round warms up (imports, caches)
            marker = uuid.uuid4().hex[:8]
            files = {enc: full_file(encoding=enc, summary_ja=f"実績 {marker}",
                                    summary_en=f"Results {marker}") for enc in pure}
            for encoding, data in files.items():
                t0 = time.perf_counter()
                parsed = upload.parse(data)
                elapsed = time.perf_counter() - t0
                assert parsed.ok and len(parsed.entries) == 234, parsed.problems[:3]
                if index:
                    pure[encoding].append(elapsed)
            t0 = time.perf_counter()
            result = tk.get_action("minato_plan_progress_upload_preview")(
                context(), {"csv": files["cp932"], "filename": "bench.csv"})
            t1 = time.perf_counter()
            applied = tk.get_action("minato_plan_progress_upload_apply")(
                context(), {"token": result["token"]})
            t2 = time.perf_counter()
            assert result["status"] == "ready" and len(applied["initiatives"]) == 39
            changes, rows = len(result["changes"]), result["data_rows"]
            if index:
                previews.append(t1 - t0)
                applies.append(t2 - t1)
                totals.append(t2 - t0)

        print(f"file: {rows} rows (39 initiatives × 6 fiscal years), {len(files['cp932']):,} "
              f"bytes cp932; {changes} field changes per round; rounds: {rounds} (median)")
        for encoding, times in pure.items():
            print(f"  parse + validate ({encoding:9}) {_ms(statistics.median(times))}")
        print(f"  preview (validate + diff)       {_ms(statistics.median(previews))}")
        print(f"  apply (39 datasets, 1 commit)   {_ms(statistics.median(applies))}")
        print(f"  validate-and-apply              {_ms(statistics.median(totals))}"
              f"   (min {_ms(min(totals)).strip()}, max {_ms(max(totals)).strip()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
