"""Benchmark of the DCAT-AP 3 output (prints figures; not a test).

1. Serialization per dataset: our profile (``minato_plan_dcat_ap_3``) against stock
   ckanext-dcat ``euro_dcat_ap_3`` on the same ``package_show`` dicts (target: ours <= 1.2x).
   Stock ``euro_dcat_ap_3`` cannot run unmodified on this portal (it asks scheming for a
   ``dataset`` schema, which does not exist here); the bench gives it the one-line fix our
   profile carries (construct it for the ``initiative`` schema) and nothing else.
2. ``/catalog.ttl``: stock regeneration (stock profile, no cache) against our cached catalog
   (target: a repeated request >= 10x faster), and the request right after a dataset change
   (a cache miss, which rebuilds).

Runs in-process (Flask test client, no server, no port) against the database of the given
config; see README.md ("Benchmarks") for how to make one. With ``--load`` it first loads the
plan with the real loader (idempotent). It writes to that database (one dataset is patched to
show the invalidation), so never point it at a portal you care about.
"""
from __future__ import annotations

import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import app_from_command_line  # noqa: E402


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def main() -> int:
    args, app = app_from_command_line(__doc__, "bench_dcat")
    if app is None:
        return 2
    flask_app = app._wsgi_app
    from werkzeug.test import Client

    import ckan.plugins.toolkit as tk
    from ckanext.dcat import logic as dcat_logic
    from ckanext.dcat import processors
    from ckanext.dcat.processors import RDFSerializer
    from ckanext.dcat.profiles.euro_dcat_ap_3 import EuropeanDCATAP3Profile

    from ckanext.minato_plan.dcat.profile import PROFILE_NAME, MinatoPlanDCATAP3Profile

    class StockDCATAP3(EuropeanDCATAP3Profile):
        """euro_dcat_ap_3 with only the schema lookup fixed (see the module docstring)."""

        def __init__(self, graph, dataset_type="dataset", compatibility_mode=False):
            if dataset_type == "dataset":
                dataset_type = "initiative"
            super().__init__(graph, dataset_type=dataset_type,
                             compatibility_mode=compatibility_mode)

    profile_classes = {"stock_euro_dcat_ap_3": StockDCATAP3, PROFILE_NAME: MinatoPlanDCATAP3Profile}
    original_load = processors.RDFProcessor._load_profiles

    def load_profiles(self, names):
        if all(n in profile_classes for n in names):
            return [profile_classes[n] for n in names]
        return original_load(self, names)

    processors.RDFProcessor._load_profiles = load_profiles

    rounds = max(1, args.rounds)
    with flask_app.test_request_context("/catalog.ttl"):
        if args.load:
            from ckanext.minato_plan.logic import loader
            print("loading the plan:", loader.load(echo=lambda _line: None).summary())
        result = tk.get_action("package_search")({}, {"q": "*:*", "rows": 1000})
        datasets = result["results"]
        if not datasets:
            print("bench_dcat: no datasets; run with --load", file=sys.stderr)
            return 2
        names = [d["name"] for d in datasets]
        dicts = [tk.get_action("package_show")({}, {"id": n}) for n in names]
        resources = sum(len(d.get("resources") or []) for d in dicts)
        print(f"datasets: {len(dicts)} ({resources} resources); rounds: {rounds} (median shown)")

        # 1. serialization per dataset (graph + Turtle), same dicts for both profiles
        # CPU time of this process (other processes on the machine do not count), the two
        # profiles interleaved round by round, the median round of each shown.
        def per_dataset(profile: str) -> tuple[float, int, int]:
            t0 = time.process_time()
            triples = size = 0
            for d in dicts:
                serializer = RDFSerializer(profiles=[profile])
                size += len(serializer.serialize_dataset(d, _format="ttl"))
                triples += len(serializer.g)
            return (time.process_time() - t0) / len(dicts), triples, size

        per_dataset("stock_euro_dcat_ap_3")  # warm-up (org cache, schemas, imports)
        per_dataset(PROFILE_NAME)
        runs: dict[str, list] = {"stock_euro_dcat_ap_3": [], PROFILE_NAME: []}
        for _ in range(rounds):
            for profile in runs:
                runs[profile].append(per_dataset(profile))
        stock = statistics.median(r[0] for r in runs["stock_euro_dcat_ap_3"])
        ours = statistics.median(r[0] for r in runs[PROFILE_NAME])
        n = len(dicts)
        print("\nserialization per dataset (package dict -> Turtle; CPU time)")
        for label, profile, value in (("stock euro_dcat_ap_3 ", "stock_euro_dcat_ap_3", stock),
                                      ("minato_plan_dcat_ap_3", PROFILE_NAME, ours)):
            _t, triples, size = runs[profile][0]
            print(f"  {label}     {_ms(value)}   {triples / n:6.0f} triples, "
                  f"{size / n / 1024:5.1f} KiB per dataset")
        print(f"  ratio ours/stock          {ours / stock:8.2f}x   (target <= 1.20x)")
        print(f"  per triple: stock {stock / (runs['stock_euro_dcat_ap_3'][0][1] / n) * 1e6:.0f} us,"
              f" ours {ours / (runs[PROFILE_NAME][0][1] / n) * 1e6:.0f} us")

        # 2a. stock regeneration of the catalog: ckanext-dcat's own action, stock profile
        def regenerate(profile: str) -> float:
            times = []
            for _ in range(rounds):
                t0 = time.perf_counter()
                dcat_logic.dcat_catalog_show({}, {"format": "ttl", "profiles": [profile]})
                times.append(time.perf_counter() - t0)
            return statistics.median(times)

        stock_catalog = regenerate("stock_euro_dcat_ap_3")
        ours_catalog = regenerate(PROFILE_NAME)

    # 2b. /catalog.ttl over the whole stack (Flask test client), cached
    client = Client(app)

    def get(path: str) -> tuple[float, bytes]:
        t0 = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - t0
        assert response.status_code == 200, response.status_code
        return elapsed, response.data

    miss, first = get("/catalog.ttl")
    hits = [get("/catalog.ttl")[0] for _ in range(max(rounds, 10))]
    hit = statistics.median(hits)

    # 2c. a dataset change, then the next request rebuilds (and shows the change)
    with flask_app.test_request_context("/"):
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        target = dicts[0]
        titles = dict(target.get("title_translated") or {})
        marker = f"bench {time.time():.0f}"
        patched = dict(titles, en=f"{titles.get('en', target['title'])} [{marker}]")
        tk.get_action("package_patch")({"user": site_user["name"]},
                                       {"id": target["id"], "title_translated": patched})
    after_change, changed = get("/catalog.ttl")
    rehit = statistics.median([get("/catalog.ttl")[0] for _ in range(5)])
    with flask_app.test_request_context("/"):
        tk.get_action("package_patch")({"user": site_user["name"]},
                                       {"id": target["id"], "title_translated": titles})

    print(f"\n/catalog.ttl ({len(first) / 1024:.0f} KiB Turtle, {len(dicts)} datasets)")
    print(f"  stock regeneration (euro_dcat_ap_3, no cache)  {_ms(stock_catalog)}")
    print(f"  our regeneration (no cache)                    {_ms(ours_catalog)}")
    print(f"  first request (cache miss, builds)             {_ms(miss)}")
    print(f"  repeated request (cache hit)                   {_ms(hit)}")
    print(f"  speed-up of a repeated request over stock      {stock_catalog / hit:8.1f}x"
          "   (target >= 10x)")
    print(f"  first request after a dataset change           {_ms(after_change)}"
          f"   (rebuilt: {'yes' if marker.encode() in changed else 'NO'})")
    print(f"  repeated again                                 {_ms(rehit)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
