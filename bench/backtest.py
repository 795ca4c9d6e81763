"""Backtest the adoption signal: rank the models of an early Hub snapshot by the tool's signals and by raw
downloads, and measure how well each predicts the same models' 30-day downloads in a later snapshot.

The early snapshot is imported into a temporary home (never REVEALED_HOME) and built; the late one is only read.
Real public data archived on both dates (../shared/data/hf/). Results: docs/backtest.md.

    .venv/bin/python bench/backtest.py
    .venv/bin/python bench/backtest.py --early PATH --early-as-of YYYY-MM-DD --late PATH --top 100
"""

import argparse
import datetime as dt
import logging
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from collector.hf import snapshot as hub_snapshot
from pipelines.checks import backtest
from pipelines.orchestration import build
from warehouse import db

HF = Path(__file__).resolve().parents[2] / "shared" / "data" / "hf"


def main(argv: list[str] | None = None) -> int:
    """Import, build, score, print a markdown table."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--early", type=Path, default=HF / "hub_models_2022-10-01.csv")
    p.add_argument("--early-as-of", type=dt.date.fromisoformat, default=dt.date(2022, 10, 1))
    p.add_argument("--late", type=Path, default=HF / "hub_models_2024-07-11.csv")
    p.add_argument("--top", type=int, default=100)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="revealed-backtest-") as home:
        con = db.connect(Path(home) / "revealed.duckdb")
        try:
            hub_snapshot.import_snapshot(con, args.early, args.early_as_of)
            build.run_build(con)
            predictors = backtest.signals(con)
        finally:
            con.close()
    late = pd.DataFrame(hub_snapshot.read_snapshot(args.late), columns=["id", "downloads", "created_at"])
    later = backtest.later_ids(predictors.index, late, args.early_as_of)
    outcome = later.map(late.set_index("id")["downloads"])
    table = backtest.score(predictors, outcome, args.top)
    print(f"Backtest: signals of {args.early.name} (as of {args.early_as_of}, {len(predictors):,} models) against "
          f"30-day downloads in {args.late.name}; real public data, archived on both dates.")
    print(f"{len(later):,} models in both ({(later.index != later.to_numpy()).sum():,} under a new namespace).\n")
    print("| signal | models in both | Spearman | precision of the top " + str(args.top) + " |")
    print("|---|---|---|---|")
    for name, row in table.iterrows():
        print(f"| {name} | {int(row['models']):,} | {row['spearman']:.3f} | {row.iloc[2]:.2f} |")
    print(f"\n({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
