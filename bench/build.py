"""Benchmark the full build (series, de-noising and every later step) on large sandbox worlds, or the daily build.

raw_hf_models is seeded straight from the World (vectorised, every visible model every day) instead of
collecting over HTTP: this measures the build, not the collector. Data is fictional sandbox data.

    .venv/bin/python bench/build.py                      # 100k x 90 (median of 3) and 1M x 30 (once)
    .venv/bin/python bench/build.py --models 20000 --days 30 --runs 1
    .venv/bin/python bench/build.py --models 20000 20000 --days 30 90 --runs 3 3 --daily
    .venv/bin/python bench/build.py --models 20000 --days 730 --runs 3 --daily --publish

--daily times the daily build: the warehouse as built on day D-1 is kept, day D's snapshot is added, then the
(incremental) build runs. Without it every run is a full build (`revealed build --full`). --publish (with --daily)
then times publishing that build over day D-1's serving copy, each run in its own process, both ways in turns:
every table into a fresh file (what a full build does) and the update of a copy of day D-1's file.
With --cache, --daily also keeps the day-before state there (a full build: 21 min at 100k x 730) and later runs
reuse it, its kept days taken as this code's, as --state does: that measures the daily build's cost, not figures.
"""

import argparse
import logging
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from collector.sandbox.raw_seed import seed_raw
from collector.sandbox.world import World
from pipelines.orchestration import build
from pipelines.steps import denoise, marts, series, step_inputs
from warehouse import db, publish

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


def hold_last_day(path: Path, state: Path) -> None:
    """Write to `state` the warehouse at `path` as built on its next-to-last day, with the last day's slice added
    and its pending vacuum done (settle)."""
    shutil.copyfile(path, state)
    con = db.connect(state)
    con.execute("CREATE TABLE bench_held AS SELECT * FROM raw_hf_models "
                "WHERE as_of = (SELECT max(as_of) FROM raw_hf_models)")
    con.execute("DELETE FROM raw_hf_models WHERE as_of = (SELECT max(as_of) FROM bench_held)")
    build.run_build(con, full=True)
    con.execute("INSERT INTO raw_hf_models SELECT * FROM bench_held; DROP TABLE bench_held")
    settle(con)
    con.close()


def settle(con) -> None:
    """Do now the vacuum DuckDB's checkpoints left for later: each does at most `max_vacuum_tasks` (100) merges of
    row groups. A deployment's daily checkpoints keep up with it; a history seeded in one go (730 loads, few
    checkpoints) leaves hundreds, which the next commits would do, 100 at a time (7.2, 2.9, 2.9 s at 100k x 730)."""
    con.execute("SET max_vacuum_tasks = 1000000; SET checkpoint_threshold = '0b'")
    con.execute("BEGIN; CREATE TABLE bench_settle (x INTEGER); DROP TABLE bench_settle; COMMIT")


def time_builds(path: Path, runs: int, queue, state: Path | None = None) -> None:
    """Run `runs` builds: full ones, or daily ones each on a fresh copy of `state`; put (wall times, per-step
    times, peak RSS in MB) on the queue."""
    times, steps = [], {}
    for _ in range(runs):
        if state:
            shutil.copyfile(state, path)
            os.sync()  # else the build's commit (its fsync) would write out the whole copy: 2.9 GB at 100k x 730
        con = db.connect(path)
        began = time.perf_counter()
        report = build.run_build(con, full=state is None)
        times.append(time.perf_counter() - began)
        con.close()
        for step in report.steps:
            steps.setdefault(step.name, []).append(step.seconds)
    queue.put((times, steps, peak_rss_mb()))


def adopt_state(source: Path, state: Path) -> None:
    """Copy a day-before state made earlier (by hold_last_day, perhaps at another commit) to `state`, its kept days
    taken as this code's, with the kept tables an older code did not keep yet: the build extends them instead of
    recomputing them (its cost, not figures, is measured); its pending vacuum done (settle)."""
    shutil.copyfile(source, state)
    con = db.connect(state)
    for table, step in (("int_series_state", series), ("int_noise_state", denoise), ("int_daily_marts_state", marts)):
        con.execute(f"UPDATE {table} SET value = ? WHERE key = 'code'", [step.code_hash()])
    if not step_inputs.table_exists(con, "int_model_first_day"):
        marts.first_days(con, None)
    settle(con)
    con.close()


def publish_to(path: Path, serving: Path) -> None:
    """Publish the warehouse at `path` into `serving`, every table afresh."""
    con = db.connect(path)
    publish.publish(con, serving)
    con.close()


def time_publish(path: Path, served: Path, update: bool, queue) -> None:
    """Publish the warehouse at `path` over a copy of the serving file `served`, updating it or writing every table;
    put (seconds, peak RSS in MB, size of the file in MB) on the queue."""
    target = path.with_name("serving.duckdb")
    shutil.copyfile(served, target)
    con = db.connect(path)
    began = time.perf_counter()
    publish.publish(con, target, previous_build=publish.served_build(served) if update else None)
    seconds = time.perf_counter() - began
    con.close()
    queue.put((seconds, peak_rss_mb(), target.stat().st_size / 2**20))


def time_publishes(path: Path, served: Path, runs: int) -> dict[str, list]:
    """Both ways of publishing, in turns, each run in a fresh process: {way: [(seconds, peak RSS MB, file MB)]}."""
    queue, out = multiprocessing.Queue(), {}
    for _ in range(runs):
        for way, update in (("every table", False), ("update", True)):
            in_child(time_publish, path, served, update, queue)
            out.setdefault(way, []).append(queue.get())
    return out


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
    parser.add_argument("--cache", type=Path, help="keep seeded warehouses (and with --daily the day-before states) "
                        "in this folder and reuse them")
    parser.add_argument("--daily", action="store_true", help="time the daily build on day D instead of a full build")
    parser.add_argument("--publish", action="store_true", help="with --daily: also time publishing the daily build")
    parser.add_argument("--keep", type=Path, help="with --daily: copy each size's last daily build to "
                        "DIR/daily_<models>_<days>.duckdb (compare commits with bench/same_tables.py)")
    parser.add_argument("--state", type=Path, nargs="*", help="with --daily: day-before states made earlier, one per "
                        "size, copied (never written) instead of made by a full build; kept days taken as this code's")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", stream=sys.stderr)
    print("NOTE: sandbox data (fictional models)")
    for size, (models, days, runs) in enumerate(zip(args.models, args.days, args.runs, strict=True)):
        with tempfile.TemporaryDirectory() as scratch:
            folder = args.cache or Path(scratch)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"bench_{models}_{days}.duckdb"
            kept = args.cache / f"day_before_{models}_{days}.duckdb" if args.cache and args.daily else None
            made = args.state[size] if args.state else kept if kept and kept.exists() else None
            if not path.exists() and not made:
                in_child(seed_file, path, models, days)
            queue, publishes = multiprocessing.Queue(), {}
            if args.daily:
                state = Path(scratch) / "day_before.duckdb"
                if made:
                    in_child(adopt_state, made, state)
                else:
                    in_child(hold_last_day, path, state)
                    if kept:
                        shutil.copyfile(state, kept)
                if args.publish:
                    in_child(publish_to, state, Path(scratch) / "served_before.duckdb")
                in_child(time_builds, Path(scratch) / "daily.duckdb", runs, queue, state)
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(Path(scratch) / "daily.duckdb", args.keep / f"daily_{models}_{days}.duckdb")
            else:
                in_child(time_builds, path, runs, queue)
            times, steps, rss = queue.get()
            if args.daily and args.publish:
                publishes = time_publishes(Path(scratch) / "daily.duckdb", Path(scratch) / "served_before.duckdb", runs)
        kind = "daily build" if args.daily else "build"
        print(f"{kind} {models:>9,} models x {days:>3} days: median {statistics.median(times):6.1f}s "
              f"over {runs} run(s) {[round(t, 1) for t in times]}, peak RSS of the build {rss:,.0f} MB")
        for name, seconds in steps.items():
            print(f"    {name:<40} median {statistics.median(seconds):6.2f}s")
        for way, results in publishes.items():
            print(f"publish ({way:<11}) {models:>9,} models x {days:>3} days: median "
                  f"{statistics.median(s for s, _, _ in results):6.2f}s over {runs} run(s) "
                  f"{[round(s, 2) for s, _, _ in results]}, peak RSS {max(r for _, r, _ in results):,.0f} MB, "
                  f"serving file {results[-1][2]:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
