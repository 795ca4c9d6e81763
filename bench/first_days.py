"""A deployment's first days on a FICTIONAL sandbox world: de-noising and active derivatives vs truth.

Usage: .venv/bin/python bench/first_days.py [--seed 11] [--models 5000] [--days 1 3 7 29] [--full 45]
                                            [--end-day 60] [--min-downloads 100] [--blind]
Collects the world with the real collector over HTTP into one new warehouse per deployment (--full days, then
each of --days), all ending on --end-day (days after the world's start; 60 is its today), builds each up to
the derivatives, and prints Spearman and MdAPE against the world's true organic 30-day downloads, burst flags
and active derivatives against the full-history build (pipelines/checks/evaluate_first_days.py).
"""

import argparse
import datetime as dt
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from blind_world import BANNER, BlindWorld  # noqa: E402

from collector.sandbox.world import World  # noqa: E402
from pipelines.checks import evaluate_first_days  # noqa: E402


def main() -> None:
    """Run the deployments and print the table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--models", type=int, default=5000)
    p.add_argument("--days", type=int, nargs="+", default=[1, 3, 7, 29])
    p.add_argument("--full", type=int, default=45)
    p.add_argument("--end-day", type=int, default=60)
    p.add_argument("--min-downloads", type=int, default=100, help="the collector's listing threshold")
    p.add_argument("--blind", action="store_true", help="the blind world's traffic (bench/blind_world.py)")
    args = p.parse_args()
    logging.basicConfig(level=logging.WARNING)
    world = (BlindWorld if args.blind else World)(seed=args.seed, n_models=args.models)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-first-days-") as folder:
        rows = evaluate_first_days.first_days(Path(folder), world, args.days,
                                              world.start + dt.timedelta(days=args.end_day), args.full,
                                              min_downloads=args.min_downloads)
    if args.blind:
        print(BANNER)
    print(evaluate_first_days.render(world, rows))
    print(f"{time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
