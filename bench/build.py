"""Benchmark the full build (series, de-noising and every later step) on large sandbox worlds.

raw_hf_models is seeded straight from the World (vectorised, every visible model every day) instead of
collecting over HTTP: this measures the build, not the collector. Data is fictional sandbox data.

    .venv/bin/python bench/build.py                      # 100k x 90 (median of 3) and 1M x 30 (once)
    .venv/bin/python bench/build.py --models 20000 --days 30 --runs 1
"""

import argparse
import logging
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from collector.sandbox.raw_seed import seed_raw
from collector.sandbox.world import World
from pipelines import build
from warehouse import db

log = logging.getLogger("bench.build")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed_file(path: Path, models: int, days: int) -> None:
    """Create a seeded warehouse file (runs in a child process, so its memory is not the build's)."""
    con = db.connect(path)
    began = time.perf_counter()
    seed_raw(con, World(seed=7, n_models=models), days)
    rows = con.execute("SELECT count(*) FROM raw_hf_models").fetchall()[0][0]
    log.info("seeded %s raw rows in %.1fs", f"{rows:,}", time.perf_counter() - began)
    con.close()


def time_builds(path: Path, runs: int, queue) -> None:
    """Run `runs` full builds; put (wall times, per-step times, peak RSS in MB) on the queue."""
    con = db.connect(path)
    times, steps = [], {}
    for _ in range(runs):
        began = time.perf_counter()
        report = build.run_build(con)
        times.append(time.perf_counter() - began)
        for step in report.steps:
            steps.setdefault(step.name, []).append(step.seconds)
    con.close()
    queue.put((times, steps, peak_rss_mb()))


def in_child(target, *args) -> None:
    """Run target(*args) in a fresh process and fail if it fails."""
    child = multiprocessing.Process(target=target, args=args)
    child.start()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"{target.__name__} failed with exit code {child.exitcode}")


def main(argv=None) -> int:
    """Run the benchmark and print one line per size."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--days", type=int, nargs="*", default=[90, 30])
    parser.add_argument("--runs", type=int, nargs="*", default=[3, 1])
    parser.add_argument("--cache", type=Path, help="keep seeded warehouses in this folder and reuse them")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", stream=sys.stderr)
    print("NOTE: sandbox data (fictional models)")
    for models, days, runs in zip(args.models, args.days, args.runs, strict=True):
        with tempfile.TemporaryDirectory() as scratch:
            folder = args.cache or Path(scratch)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"bench_{models}_{days}.duckdb"
            if not path.exists():
                in_child(seed_file, path, models, days)
            queue = multiprocessing.Queue()
            in_child(time_builds, path, runs, queue)
            times, steps, rss = queue.get()
        print(f"build {models:>9,} models x {days:>3} days: median {statistics.median(times):6.1f}s "
              f"over {runs} run(s) {[round(t, 1) for t in times]}, peak RSS of the build {rss:,.0f} MB")
        for name, seconds in steps.items():
            print(f"    {name:<40} median {statistics.median(seconds):6.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
