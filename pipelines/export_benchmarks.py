"""`revealed export benchmarks`: benchmarks.csv from mart_benchmarks in the serving copy."""

import os
from pathlib import Path

import duckdb

from warehouse import db, paths

FILE = "benchmarks.csv"
COLUMNS = ("source", "release", "model", "hf_id", "family", "category", "score", "n_items")
QUERY = f"""
SELECT {", ".join(COLUMNS)} FROM mart_benchmarks
WHERE kind = 'clean'
ORDER BY source, release, model, category = 'global' DESC, category
"""


def register_export(group) -> None:
    """Add export benchmarks."""
    p = group.add_parser("benchmarks", help="benchmarks.csv: clean benchmark scores per model and category")
    p.add_argument("--out", type=Path, help="folder to write benchmarks.csv into (default $REVEALED_HOME/exports)")
    p.set_defaults(func=cmd_export_benchmarks)


def export_benchmarks(con: duckdb.DuckDBPyConnection, out: Path) -> tuple[Path, int, bool]:
    """Write out/benchmarks.csv atomically; return (path, rows, sandbox). Every row says its data_kind, last."""
    kind = con.execute("SELECT value FROM meta WHERE key = 'data_kind'").fetchone()
    if kind is None or kind[0] not in ("sandbox", "live", "reference"):
        raise ValueError(f"the serving copy's meta.data_kind is {kind and kind[0]!r}; expected 'sandbox', 'live' "
                         "or 'reference': "
                         "run 'revealed build' again")
    frame = con.execute(QUERY).df()
    frame["score"] = frame["score"].round(3)
    frame["n_items"] = frame["n_items"].astype("Int64")
    frame["data_kind"] = kind[0]
    out.mkdir(parents=True, exist_ok=True)
    path, partial = out / FILE, out / f".{FILE}.partial"
    sandbox = kind[0] == "sandbox"
    with partial.open("w", newline="") as handle:
        frame.to_csv(handle, index=False, date_format="%Y-%m-%d")
    os.replace(partial, path)
    return path, len(frame), sandbox


def cmd_export_benchmarks(args) -> int:
    """Write benchmarks.csv from the published serving copy."""
    con = db.connect_serving()
    try:
        path, rows, sandbox = export_benchmarks(con, args.out or paths.exports_dir())
    finally:
        con.close()
    print(f"wrote {path} ({rows:,} rows)")
    if sandbox:
        print("NOTE: SANDBOX data: fictional models and scores; every row says data_kind=sandbox.")
    return 0
