"""Benchmark the sandbox: world generation time and peak RSS, listing order, and page serving over HTTP.

Usage: .venv/bin/python bench/sandbox_world.py [--sizes 10000 100000 1000000] [--repeats 3]
Each size runs in fresh subprocesses (so peak RSS is per world); figures are medians over the repeats.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time

_CHILD = r"""
import json, resource, sys, time
import requests
from collector.sandbox.server import SandboxServer
from collector.sandbox.world import World

n = int(sys.argv[1])
t0 = time.perf_counter()
world = World(seed=7, n_models=n)
gen = time.perf_counter() - t0
rss_gen = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter()
world.listing_order(world.today)
order = time.perf_counter() - t0
with SandboxServer(world) as server, requests.Session() as s:
    url = f"{server.url}/api/models?sort=downloads&limit=1000&expand=downloads&expand=downloadsAllTime&expand=tags"
    pages = []
    for _ in range(6):
        t0 = time.perf_counter()
        r = s.get(url, timeout=600)
        r.raise_for_status()
        pages.append(time.perf_counter() - t0)
        url = r.links["next"]["url"]
    ids = [m["id"] for m in r.json()[:50]]
    infos = []
    for model_id in ids:
        t0 = time.perf_counter()
        s.get(f"{server.url}/api/models/{model_id}", timeout=60).raise_for_status()
        infos.append(time.perf_counter() - t0)
t0 = time.perf_counter()
world.truth(world.today)
truth = time.perf_counter() - t0
print(json.dumps({"generate_s": gen, "rss_after_generate_mb": rss_gen, "listing_order_s": order,
                  "first_page_s": pages[0], "later_page_s": sorted(pages[1:])[len(pages[1:]) // 2],
                  "model_info_ms": 1000 * sorted(infos)[len(infos) // 2], "truth_s": truth,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(n: int) -> dict:
    """One measurement in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", _CHILD, str(n)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Measure each size several times and print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print("sandbox world benchmark (fictional data); medians of", args.repeats, "runs")
    for n in args.sizes:
        t0 = time.perf_counter()
        runs = [run(n) for _ in range(args.repeats)]
        medians = {k: round(statistics.median(r[k] for r in runs), 3) for k in runs[0]}
        print(f"n={n:>9,}", json.dumps(medians), f"(wall {time.perf_counter() - t0:.0f}s)", flush=True)


if __name__ == "__main__":
    main()
