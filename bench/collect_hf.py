"""Benchmark `collect hf` against sandbox worlds, next to the straightforward approach a user would write.

    .venv/bin/python bench/collect_hf.py --sizes 10000,100000 --runs 3
    .venv/bin/python bench/collect_hf.py --sizes 1000000 --runs 1 --naive-sample 200
    .venv/bin/python bench/collect_hf.py --sizes 100000 --runs 7 --naive-sample 0 --versus-row-group-size 122880

The sandbox server runs in its own process, so its memory is not counted. Each collector run is a fresh
process writing a fresh DuckDB file; it reports wall time, requests, peak RSS (ru_maxrss), the file's size and
the time spent writing DuckDB (the appends and the commit of the swap transaction: rows/s of the load part, per
wall second and per CPU second; on shared cores the wall rate drops with the machine's load, the CPU rate much
less) and, apart, the time closing the connection takes (it checkpoints a slice small enough to have been
committed to the WAL).
The straightforward approach is `list_models(full=True)` plus `model_info(expand=["downloadsAllTime"])` per model
for the all-time count and one `executemany` INSERT per row; model_info and the row inserts are timed on a sample
and extrapolated. --versus-row-group-size N follows each collector run with one whose warehouse is attached with
row groups of N rows (DuckDB's default is 122,880) and reports both, with the median of the per-pair ratios.
Figures are sandbox (fictional) data.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def serve(models: int) -> None:
    """Child: run a sandbox server over an n-model world until stdin closes."""
    from collector.sandbox.server import SandboxServer
    from collector.sandbox.world import World

    with SandboxServer(World(n_models=models)).start() as server:
        print(server.url, flush=True)
        sys.stdin.read()


def collect(url: str, home: str, row_group_size: str = "") -> None:
    """Child: one real collection (whole listing, no details pass) into a fresh warehouse; print metrics."""
    from collector.hf import listing as hf
    from warehouse import db
    from warehouse.settings import Settings

    if row_group_size:
        db.ROW_GROUP_SIZE = int(row_group_size)
    base_rss = peak_rss_mb()
    path = Path(home) / "bench.duckdb"
    con = db.connect(path)
    t = time.perf_counter()
    result = hf.collect(con, Settings(hf_endpoint=url), min_downloads=0, details=0)
    wall = time.perf_counter() - t
    t, cpu = time.perf_counter(), time.process_time()
    con.close()  # checkpoints what the commit left in the WAL (a slice under ~80k rows): not part of load_s
    close_s, close_cpu_s = time.perf_counter() - t, time.process_time() - cpu
    listing = result.stats.requests - 1  # minus the /_sandbox/info probe
    load_s = result.stats.extra["load_s"]  # the appends and the swap's commit, as timed by warehouse.load
    load_cpu_s = result.stats.extra["load_cpu_s"]
    print(json.dumps({"rows": result.rows, "wall_s": wall, "listing_requests": listing,
                      "per_1000": 1000 * listing / max(result.rows, 1), "load_s": load_s,
                      "rows_per_s": result.rows / load_s, "rows_per_cpu_s": result.rows / load_cpu_s,
                      "close_s": close_s, "close_cpu_s": close_cpu_s, "file_mb": path.stat().st_size / 1e6,
                      "peak_rss_mb": peak_rss_mb(), "rss_after_imports_mb": base_rss,
                      "load_avg_1m": os.getloadavg()[0]}))


def naive(url: str, home: str, sample: int) -> None:
    """Child: list_models(full=True) + model_info per model (sampled) + row-by-row INSERT (sampled)."""
    import datetime as dt

    import httpx2
    import huggingface_hub
    from huggingface_hub import HfApi

    from warehouse import db

    requests = 0

    def count(request):
        nonlocal requests
        requests += str(request.url).startswith(url)  # not huggingface_hub's own telemetry calls

    huggingface_hub.set_client_factory(lambda: httpx2.Client(event_hooks={"request": [count]}, follow_redirects=True))
    api = HfApi(endpoint=url, token=False)
    t = time.perf_counter()
    models = list(api.list_models(sort="downloads", full=True))
    list_s = time.perf_counter() - t
    listing = requests
    step = max(1, len(models) // sample)
    picked = models[::step][:sample]
    t = time.perf_counter()
    all_time = {m.id: api.model_info(m.id, expand=["downloadsAllTime"]).downloads_all_time for m in picked}
    info_s = (time.perf_counter() - t) / len(picked)
    con = db.connect(Path(home) / "naive.duckdb")
    rows = [(dt.date(2026, 3, 1), "naive", m.id, m.downloads, all_time[m.id], m.likes) for m in picked]
    t = time.perf_counter()
    con.executemany("INSERT INTO raw_hf_models (as_of, run_id, id, downloads, downloads_all_time, likes) "
                    "VALUES (?, ?, ?, ?, ?, ?)", rows)
    insert_s = (time.perf_counter() - t) / len(rows)
    n = len(models)
    print(json.dumps({"rows": n, "list_s": list_s, "listing_requests": listing, "per_1000": 1000 * listing / n,
                      "model_info_s_each": info_s, "sampled": len(picked),
                      "wall_s_extrapolated": list_s + n * info_s + n * insert_s,
                      "requests_extrapolated": listing + n, "rows_per_s": 1 / insert_s,
                      "peak_rss_mb": peak_rss_mb()}))


def child(args: list[str]) -> dict:
    """Run this script in a fresh process and parse the JSON it prints last."""
    out = subprocess.run([sys.executable, __file__, *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench(models: int, runs: int, sample: int, versus: int = 0) -> dict:
    """Median figures of `runs` collector runs (each followed by one with `versus`-row groups if given) and one
    straightforward run against one n-model world."""
    server = subprocess.Popen([sys.executable, __file__, "serve", str(models)], cwd=ROOT, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        url = server.stdout.readline().strip()
        ours, paired = [], []
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as home:
                ours.append(child(["collect", url, home]))
            print(f"{models:,} models, revealed: {json.dumps(ours[-1])}", file=sys.stderr, flush=True)
            if versus:
                with tempfile.TemporaryDirectory() as home:
                    paired.append(child(["collect", url, home, str(versus)]))
                print(f"{models:,} models, row groups of {versus:,}: {json.dumps(paired[-1])}", file=sys.stderr,
                      flush=True)
        theirs = None
        if sample:
            with tempfile.TemporaryDirectory() as home:
                theirs = child(["naive", url, home, str(sample)])
            print(f"{models:,} models, straightforward: {json.dumps(theirs)}", file=sys.stderr, flush=True)
    finally:
        server.stdin.close()
        server.wait(timeout=60)
    result = {"models": models, "runs": runs, "collector_median": medians(ours), "collector_runs": ours,
              "straightforward": theirs}
    if versus:
        result["versus"] = {"row_group_size": versus, "median": medians(paired), "runs": paired,
                            "ratio_rows_per_s": statistics.median(a["rows_per_s"] / b["rows_per_s"]
                                                                  for a, b in zip(ours, paired, strict=True)),
                            "ratio_rows_per_cpu_s": statistics.median(a["rows_per_cpu_s"] / b["rows_per_cpu_s"]
                                                                      for a, b in zip(ours, paired, strict=True))}
    return result


def medians(runs: list[dict]) -> dict:
    """Median of every reported figure over the runs."""
    return {k: statistics.median(r[k] for r in runs) for k in runs[0] if runs[0][k] is not None}


def report(result: dict) -> str:
    """One Markdown table row per approach."""
    m, s = result["collector_median"], result["straightforward"]
    lines = [collector_row(result["models"], f"revealed (median of {result['runs']})", m)]
    if v := result.get("versus"):
        lines.append(collector_row(result["models"], f"row groups of {v['row_group_size']:,} (paired runs)",
                                   v["median"]))
        lines.append(f"| | revealed / row groups of {v['row_group_size']:,}, median of the pairs | | | | "
                     f"{v['ratio_rows_per_s']:.2f}x ({v['ratio_rows_per_cpu_s']:.2f}x per CPU s) | "
                     f"{m['file_mb'] / v['median']['file_mb']:.2f}x |")
    if s:
        lines.append(f"| {result['models']:,} | straightforward (model_info sample {s['sampled']}) | "
                     f"{s['wall_s_extrapolated']:,.0f} s (extrapolated) | {s['per_1000']:.3f} + 1,000 model_info | "
                     f"{s['peak_rss_mb']:.0f} MB | {s['rows_per_s']:,.0f} | - |")
    return "\n".join(lines)


def collector_row(models: int, label: str, m: dict) -> str:
    """One Markdown table row of collector medians."""
    return (f"| {models:,} | {label} | {m['wall_s']:.1f} s | {m['per_1000']:.3f} | {m['peak_rss_mb']:.0f} MB | "
            f"{m['rows_per_s']:,.0f} ({m['rows_per_cpu_s']:,.0f} per CPU s) | {m['file_mb']:.1f} MB |")


def main() -> None:
    """Parse flags, run the benchmark per world size, print JSON details and a Markdown table."""
    if len(sys.argv) > 1 and sys.argv[1] in ("serve", "collect", "naive"):
        mode, rest = sys.argv[1], sys.argv[2:]
        {"serve": lambda: serve(int(rest[0])), "collect": lambda: collect(*rest),
         "naive": lambda: naive(rest[0], rest[1], int(rest[2]))}[mode]()
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated world sizes")
    parser.add_argument("--runs", type=int, default=3, help="collector runs per size (median reported)")
    parser.add_argument("--naive-sample", type=int, default=300,
                        help="model_info calls timed per size; 0 leaves the straightforward approach out")
    parser.add_argument("--versus-row-group-size", type=int, default=0,
                        help="pair each collector run with one on row groups of this many rows (0: no pairs)")
    args = parser.parse_args()
    results = [bench(int(n), args.runs, args.naive_sample, args.versus_row_group_size)
               for n in args.sizes.split(",")]
    print(json.dumps(results, indent=1))
    print("| models | approach | wall time | listing requests per 1,000 models | peak RSS | rows/s into DuckDB "
          "| DuckDB file |")
    print("|---|---|---|---|---|---|---|")
    for result in results:
        print(report(result))


if __name__ == "__main__":
    main()
