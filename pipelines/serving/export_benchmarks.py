"""benchmarks.csv: the clean benchmark scores of mart_benchmarks in the serving copy."""

import os
from pathlib import Path

import duckdb

FILE = "benchmarks.csv"
COLUMNS = ("source", "release", "model", "hf_id", "family", "category", "score", "n_items")
QUERY = f"""
SELECT {", ".join(COLUMNS)} FROM mart_benchmarks
WHERE kind = 'clean'
ORDER BY source, release, model, category = 'global' DESC, category
"""


def export_benchmarks(con: duckdb.DuckDBPyConnection, out: Path) -> tuple[Path, int, str]:
    """Write out/benchmarks.csv atomically; return (path, rows, data kind). Every row says its data_kind, last."""
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
    with partial.open("w", newline="") as handle:
        frame.to_csv(handle, index=False, date_format="%Y-%m-%d")
    os.replace(partial, path)
    return path, len(frame), kind[0]
