"""Throughput of one web node against two behind nginx, on this machine (prints figures; not a
test).

    bash scripts/cluster.sh up
    .venv/bin/python bench/bench_throughput.py [--duration 10] [--concurrency 16]

Against the running cluster of ``scripts/cluster.sh`` (its addresses come from
``scripts/cluster.sh env``): for each kind of page a resident asks for (search results, an
initiative page, the plan overview, downloads), ``--concurrency`` clients send requests as fast
as they are answered for ``--duration`` seconds, first to one web node directly (its port), then to
nginx, which spreads them over every web node. Printed per kind and target: requests per
second, median (p50) and 99th percentile (p99) latency, errors, how busy the machine's CPUs were
(from /proc/stat), and the ratio of the two throughputs. It only reads. The clients run on the
same machine as the nodes, Solr and PostgreSQL and share its cores with them: when one node
already keeps every CPU busy, a second node on the same machine cannot add much.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PAGES = {
    "search": ["/dataset/?q=テレワーク", "/dataset/?q=防災", "/dataset/?q=オープンデータ",
               "/dataset/?q=AI", "/en/dataset/?q=digital"],
    "initiative": [f"/initiative/minato-plan-initiative-{n:02d}" for n in range(1, 40)],
    "overview": ["/plan-overview", "/en/plan-overview"],
    "downloads": ["/plan-data/progress.ja.csv", "/plan-data/structure.ja.cp932.csv",
                  "/plan-data/indicators.en.json", "/plan-data/structure.en.csv"],
}


def cluster_env() -> dict[str, str]:
    out = subprocess.run(["bash", os.path.join(ROOT, "scripts", "cluster.sh"), "env"],
                         check=True, capture_output=True, text=True).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def gunicorn_shape(state: str, name: str) -> str:
    """"W x T" of a running web node: its worker processes and --threads."""
    try:
        pid = open(os.path.join(state, f"{name}.pid")).read().strip()
        args = open(f"/proc/{pid}/cmdline").read().split("\0")
        workers = subprocess.run(["pgrep", "-c", "-P", pid], capture_output=True,
                                 text=True).stdout.strip()
        threads = args[args.index("--threads") + 1] if "--threads" in args else "1"
        return f"{workers} x {threads}"
    except (OSError, ValueError):
        return "?"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(base: str, paths: list[str], duration: float, concurrency: int) -> dict:
    """``concurrency`` clients for ``duration`` seconds; latencies of the answered requests."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def client(number: int) -> None:
        session = requests.Session()
        i = number
        mine: list[float] = []
        failed = 0
        while time.monotonic() < stop_at:
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            try:
                response = session.get(base + path, timeout=60)
                ok = response.status_code == 200
            except requests.RequestException:
                ok = False
            if ok:
                mine.append(time.perf_counter() - t0)
            else:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.monotonic()
    busy0, total0 = cpu_times()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    busy1, total1 = cpu_times()
    return {
        "cpu": 100.0 * (busy1 - busy0) / max(1, total1 - total0),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p99": percentile(latencies, 0.99) * 1000 if latencies else float("nan"),
        "n": len(latencies), "errors": errors[0],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0,
                        help="seconds per kind of page and target (10)")
    parser.add_argument("--warmup", type=float, default=2.0,
                        help="seconds of requests before each measurement, not counted (2)")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--kinds", default=",".join(PAGES),
                        help=f"comma-separated, of {', '.join(PAGES)}")
    args = parser.parse_args()

    env = cluster_env()
    nodes = env["CLUSTER_WEB_URLS"].split()
    targets = [(f"1 node ({nodes[0].rsplit(':', 1)[1]})", nodes[0]),
               (f"{len(nodes)} nodes (nginx)", env["CLUSTER_URL"])]
    try:
        for _, base in targets:
            requests.get(base + "/api/3/action/status_show", timeout=10).raise_for_status()
    except requests.RequestException as err:
        print(f"bench_throughput: the cluster is not running ({err}); "
              "start it with `make cluster`", file=sys.stderr)
        return 2

    shapes = ", ".join(gunicorn_shape(env["CLUSTER_STATE"], name)
                       for name in env["CLUSTER_WEB_NAMES"].split())
    print(f"bench_throughput: {os.cpu_count()} CPUs, {len(nodes)} web nodes of gunicorn "
          f"workers x threads {shapes}, {args.concurrency} clients, {args.duration:g} s "
          "per measurement")
    header = (f"{'page':<11} {'target':<18} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'errors':>6} {'CPU %':>6}")
    print(header)
    print("-" * len(header))
    ratios = {}
    for kind in args.kinds.split(","):
        results = []
        for label, base in targets:
            if args.warmup > 0:
                run(base, PAGES[kind], args.warmup, args.concurrency)
            result = run(base, PAGES[kind], args.duration, args.concurrency)
            results.append(result)
            print(f"{kind:<11} {label:<18} {result['rps']:>7.1f} {result['p50']:>8.0f} "
                  f"{result['p99']:>8.0f} {result['errors']:>6} {result['cpu']:>6.0f}",
                  flush=True)
        ratios[kind] = results[1]["rps"] / results[0]["rps"] if results[0]["rps"] else float("nan")
        print(f"{kind:<11} {'ratio':<18} {ratios[kind]:>7.2f}x", flush=True)
    print("bench_throughput: throughput of two nodes / one node: " + ", ".join(
        f"{k} {v:.2f}x" for k, v in ratios.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
