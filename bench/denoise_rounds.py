"""A de-noising round on FICTIONAL worlds (sandbox, blind): score kept evaluations again, and compare two codes.

Usage:
  .venv/bin/python bench/denoise_rounds.py rescore --tag TAG --out OUT DIR [DIR ...]
  .venv/bin/python bench/denoise_rounds.py compare OUT/BASE_TAG OUT/NEW_TAG
  .venv/bin/python bench/denoise_rounds.py homes HOME_A HOME_B [--show N]
Each DIR is the --dir of `revealed sandbox evaluate` or of `bench/blind_world.py evaluate` (its warehouse and
world.json). `rescore` copies the warehouse, de-noises the copy from scratch with the code on PYTHONPATH (this
script's checkout by default; another checkout must hold `evaluate.rescore`, commit 121807f or later, and for blind
worlds `evaluate.kept_world`, b5753f2 or later), prints the report and keeps the per-model rows as
OUT/TAG/<seed>.parquet. `compare` reads two such folders of the same seeds and prints, per seed and in total, the flags
added and lost (true or false) and the estimates that moved closer to the truth. `homes` compares two homes' de-noised
rows (the real reference world built by two codes: `revealed up --source reference --no-serve`).
Run a baseline with `PYTHONPATH=<a checkout of the baseline>` and the candidate from its own checkout.
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

sys.path.append(str(Path(__file__).resolve().parents[1]))  # after PYTHONPATH: a round runs another checkout

import blind_world  # noqa: E402

from pipelines.checks import evaluate  # noqa: E402

KEEP = ["model_id", "raw_downloads_30d", "organic_downloads_30d", "mostly_automation", "noise_reasons",
        "organic_30d", "automation_share_true", "mostly_automation_true", "automation_kind"]
COLUMNS = [("added", 7), ("true", 6), ("lost", 6), ("true", 6), ("moved", 7), ("closer", 8)]  # compare's table


def rescore(folders: list[Path], tag: str, out: Path) -> None:
    """Score each kept evaluation again on a scratch copy; print its report and keep its rows."""
    (out / tag).mkdir(parents=True, exist_ok=True)
    for folder in folders:
        with tempfile.TemporaryDirectory(prefix="revealed-rescore-") as scratch:
            for name in ("evaluate.duckdb", evaluate.WORLD_FILE):
                shutil.copy(folder / name, Path(scratch) / name)
            blind = evaluate.kept_world(Path(scratch)).get("world") == "blind"
            result, rows = (blind_world.rescored if blind else evaluate.rescore)(Path(scratch))
        print((blind_world.BANNER + "\n" if blind else "") + evaluate.render(result), flush=True)
        rows[KEEP].to_parquet(out / tag / f"{result.seed}.parquet")
        print(f"rows: {out / tag / f'{result.seed}.parquet'}\n", flush=True)


def compare(base: Path, new: Path) -> None:
    """Per seed present in both folders: flags added and lost, and estimates closer or further from the truth."""
    seeds = sorted({p.stem for p in base.glob("*.parquet")} & {p.stem for p in new.glob("*.parquet")}, key=int)
    if not seeds:
        raise SystemExit(f"no seed has rows in both {base} and {new}; expected the OUT/TAG folders of `rescore`")
    print(line("seed", [name for name, _ in COLUMNS]) + f"{'precision':>11}{'recall':>8}{'base p / r':>14}")
    total = np.zeros(len(COLUMNS), dtype=int)
    for seed in seeds:
        a, b = (pd.read_parquet(d / f"{seed}.parquet").set_index("model_id") for d in (base, new))
        b = b.loc[a.index]
        fa, fb, truth = a["mostly_automation"], b["mostly_automation"], a["mostly_automation_true"]
        added, lost = fb & ~fa, fa & ~fb
        err_a, err_b = ((x["organic_downloads_30d"] - x["organic_30d"]).abs() for x in (a, b))
        moved = a["organic_downloads_30d"] != b["organic_downloads_30d"]
        row = np.array([added.sum(), (added & truth).sum(), lost.sum(), (lost & truth).sum(), moved.sum(),
                        (moved & (err_b < err_a)).sum()])
        total += row
        p_r = [((f & truth).sum() / max(f.sum(), 1), (f & truth).sum() / max(truth.sum(), 1)) for f in (fb, fa)]
        print(line(seed, row) + f"{p_r[0][0]:>11.3f}{p_r[0][1]:>8.3f}{p_r[1][0]:>8.3f} {p_r[1][1]:.3f}")
    print(line("all", total))


def homes(base: Path, new: Path, shown: int) -> None:
    """Two homes' int_model_noise (the reference world built by two codes): bot mirrors, and the rows that differ."""
    con = duckdb.connect()
    for name, home in (("a", base), ("b", new)):
        con.execute(f"ATTACH '{home / 'revealed.duckdb'}' AS {name} (READ_ONLY)")
    for name, home in (("a", base), ("b", new)):
        bots, raw = con.execute(f"SELECT count(*), sum(raw_downloads_30d) FROM {name}.int_model_noise "
                                "WHERE mirror_of IS NOT NULL").fetchone()
        print(f"{home}: {bots:,} bot mirrors, {raw or 0:,.0f} raw 30-day downloads")
    changed = con.execute("""SELECT a.model_id, a.raw_downloads_30d AS raw, a.organic_downloads_30d AS organic_a,
        b.organic_downloads_30d AS organic_b, a.noise_reasons AS reasons_a, b.noise_reasons AS reasons_b,
        a.mirror_of AS mirror_of_a, b.mirror_of AS mirror_of_b
        FROM a.int_model_noise a JOIN b.int_model_noise b USING (model_id)
        WHERE a.organic_downloads_30d IS DISTINCT FROM b.organic_downloads_30d
           OR a.noise_reasons IS DISTINCT FROM b.noise_reasons OR a.mirror_of IS DISTINCT FROM b.mirror_of
        ORDER BY raw DESC, model_id""").df()
    print(f"{len(changed):,} rows differ; {(changed.mirror_of_b.notna() & changed.mirror_of_a.isna()).sum():,} new bot "
          f"mirrors, {(changed.mirror_of_a.notna() & changed.mirror_of_b.isna()).sum():,} no longer")
    print(changed.head(shown).to_string(index=False))


def line(label: str | int, values) -> str:
    """One row of the comparison table."""
    return f"{label:>6}" + "".join(f"{v:>{width}}" for v, (_, width) in zip(values, COLUMNS, strict=True))


def main() -> None:
    """Parse the command line and run one subcommand."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("rescore", help="de-noise kept evaluations again with the code on PYTHONPATH")
    r.add_argument("--tag", required=True, help="name of this code's rows, e.g. main or a commit")
    r.add_argument("--out", type=Path, required=True, help="folder of the rows (OUT/TAG/<seed>.parquet)")
    r.add_argument("dirs", type=Path, nargs="+", metavar="DIR",
                   help="--dir folders of `revealed sandbox evaluate` or `bench/blind_world.py evaluate`")
    c = sub.add_parser("compare", help="flags added and lost between two tags")
    c.add_argument("base", type=Path)
    c.add_argument("new", type=Path)
    h = sub.add_parser("homes", help="bot mirrors and the de-noised rows that differ between two homes")
    h.add_argument("base", type=Path, help="a REVEALED_HOME (its revealed.duckdb)")
    h.add_argument("new", type=Path)
    h.add_argument("--show", type=int, default=20, help="differing rows to print, most downloaded first")
    args = p.parse_args()
    if args.command == "rescore":
        rescore(args.dirs, args.tag, args.out)
    elif args.command == "compare":
        compare(args.base, args.new)
    else:
        homes(args.base, args.new, args.show)


if __name__ == "__main__":
    main()
