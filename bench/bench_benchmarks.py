"""Time and peak memory of collecting LiveBench and LiveCodeBench from the sandbox and scoring them.

python bench/bench_benchmarks.py [--models 10000] [--repeat 3]

Starts the sandbox over a world of --models models, then per repeat: collects every LiveBench release and the
LiveCodeBench file into a fresh warehouse (real HTTP on loopback) and computes int_benchmark_scores. Reports the
median wall time of each part, the size of the LiveCodeBench file and the process's peak RSS.
"""

import argparse
import datetime as dt
import logging
import resource
import statistics
import tempfile
import time
from pathlib import Path

import requests

from collector.benchmarks import livebench, livecodebench
from collector.sandbox.server import SandboxServer
from collector.sandbox.world import World
from pipelines.orchestration import build
from pipelines.steps import benchmark_scores
from warehouse import db
from warehouse.settings import Settings

log = logging.getLogger("bench.benchmarks")


def run_once(url: str, day: dt.date) -> dict[str, float]:
    """One collection into a fresh warehouse; seconds per part."""
    con = db.connect(Path(tempfile.mkdtemp(prefix="bench-bench-")) / "w.duckdb")
    times = {}
    began = time.perf_counter()
    settings = Settings(livebench_url=f"{url}/livebench", livecodebench_url=f"{url}/livecodebench")
    livebench.collect(con, settings, as_of=day)
    times["livebench collect"] = time.perf_counter() - began
    began = time.perf_counter()
    livecodebench.collect(con, settings, as_of=day)
    times["livecodebench collect"] = time.perf_counter() - began
    began = time.perf_counter()
    build.run_build(con, build.steps_of(benchmark_scores.build))
    times["int_benchmark_scores"] = time.perf_counter() - began
    con.close()
    return times


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    world = World(n_models=args.models)
    with SandboxServer(world) as server:
        size = len(requests.get(f"{server.url}/livecodebench/performances_generation.json", timeout=60).content)
        runs = [run_once(server.url, world.today) for _ in range(args.repeat)]
    print(f"sandbox (fictional) world of {args.models:,} models, {args.repeat} runs, medians:")
    for part in runs[0]:
        print(f"  {part:<22} {statistics.median(r[part] for r in runs):6.2f}s")
    print(f"  LiveCodeBench file     {size / 1e6:6.1f} MB")
    print(f"  peak RSS               {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:6.0f} MB")


if __name__ == "__main__":
    main()
