"""Benchmark the full build (series, de-noising and every later step) on large sandbox worlds.

raw_hf_models is seeded straight from the World (vectorised, every visible model every day) instead of
collecting over HTTP: this measures the build, not the collector. Data is fictional sandbox data.

    .venv/bin/python bench/build.py                      # 100k x 90 (median of 3) and 1M x 30 (once)
    .venv/bin/python bench/build.py --models 20000 --days 30 --runs 1
"""

import argparse
import datetime as dt
import logging
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from collector.sandbox.world import World
from pipelines import build
from warehouse import db, load

log = logging.getLogger("bench.build")


def seed_raw(con, world: World, days: int, min_downloads: int = 0) -> dt.date:
    """Fill raw_hf_models with one snapshot per day ending on the world's today; return the last as_of."""
    m = world.models
    children = m.dropna(subset=["parent"]).groupby("id")[["relation", "parent"]].apply(
        lambda g: [{"relation": r, "parent": p} for r, p in zip(g["relation"], g["parent"], strict=True)])
    base_models = m["id"].map(children).to_numpy()
    base_models = np.array([b if isinstance(b, list) else [] for b in base_models], dtype=object)
    created = pd.to_datetime(world._t["created"] - dt.date(1970, 1, 1).toordinal(), unit="D")
    for k in range(days):
        day = world.today - dt.timedelta(days=days - 1 - k)
        w30 = world.downloads_30d(day)
        keep = world.visible(day) & (w30 >= min_downloads)
        frame = pd.DataFrame({
            "as_of": day, "run_id": f"bench-{day}", "id": m["id"].to_numpy()[keep],
            "author": m["author"].to_numpy()[keep], "created_at": created[keep], "downloads": w30[keep],
            "downloads_all_time": world.downloads_all_time(day)[keep], "likes": m["likes"].to_numpy()[keep],
            "params": m["params"].where(m["params"] > 0).to_numpy()[keep], "base_models": base_models[keep],
        })
        load.replace_slice(con, "raw_hf_models", day, [frame])
    return world.today


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(models: int, days: int, runs: int, folder: Path) -> list[float]:
    """Seed once, then time `runs` full builds; return the wall times."""
    con = db.connect(folder / f"bench_{models}_{days}.duckdb")
    began = time.perf_counter()
    seed_raw(con, World(seed=7, n_models=models), days)
    rows = con.execute("SELECT count(*) FROM raw_hf_models").fetchone()[0]
    log.info("seeded %s raw rows in %.1fs", f"{rows:,}", time.perf_counter() - began)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        build.run_build(con)
        times.append(time.perf_counter() - began)
    con.close()
    return times


def main(argv=None) -> int:
    """Run the benchmark and print one line per size."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--days", type=int, nargs="*", default=[90, 30])
    parser.add_argument("--runs", type=int, nargs="*", default=[3, 1])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", stream=sys.stderr)
    print("NOTE: sandbox data (fictional models)")
    for models, days, runs in zip(args.models, args.days, args.runs, strict=True):
        with tempfile.TemporaryDirectory() as folder:
            times = run(models, days, runs, Path(folder))
        print(f"build {models:>9,} models x {days:>3} days: median {statistics.median(times):6.1f}s "
              f"over {runs} run(s) {[round(t, 1) for t in times]}, peak RSS {peak_rss_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
