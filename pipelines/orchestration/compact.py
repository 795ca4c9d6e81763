"""Compaction: raw Hub snapshots older than the days a daily build reads move from the DuckDB file to Parquet.

Each compacted slice is written whole (every column) to <folder>/raw_hf_models/as_of=YYYY-MM-DD/data.parquet and
listed in compacted_slices in the transaction that deletes it from raw_hf_models. A build reads it back through
history(): a temporary view named raw_hf_models over the table and the listed files, which every step's
`raw_hf_models` resolves to (temporary objects come first), so every result is unchanged.
"""

import datetime as dt
import logging
from pathlib import Path

import duckdb

from pipelines.steps.step_inputs import table_exists
from warehouse import db

log = logging.getLogger(__name__)
KEEP_DAYS = 135  # three de-noising blocks (pipelines/steps/denoise.py): more than any daily build reads
STATE = "CREATE TABLE IF NOT EXISTS compacted_slices (as_of DATE PRIMARY KEY, path VARCHAR NOT NULL)"


def compact(con: duckdb.DuckDBPyConnection, folder: Path, keep_days: int = KEEP_DAYS) -> list[dt.date]:
    """Move the raw_hf_models slices older than keep_days before the newest into Parquet; return their days."""
    if keep_days < 1:
        raise ValueError(f"keep_days={keep_days}; expected at least 1 (the newest snapshot stays in the warehouse)")
    con.execute(STATE)
    [(newest,)] = con.execute("SELECT max(as_of) FROM main.raw_hf_models").fetchall()
    if newest is None:
        raise ValueError("raw_hf_models is empty: nothing to compact; collect first")
    cutoff = newest - dt.timedelta(days=keep_days)
    days = [d for (d,) in con.execute("SELECT DISTINCT as_of FROM main.raw_hf_models WHERE as_of < ? ORDER BY 1",
                                      [cutoff]).fetchall()]
    written = []
    for day in days:
        out = Path(folder) / "raw_hf_models" / f"as_of={day}"
        out.mkdir(parents=True, exist_ok=True)
        path = out / "data.parquet"
        con.execute(f"COPY (SELECT * FROM main.raw_hf_models WHERE as_of = DATE '{day}') TO {db.literal(path)} "
                    "(FORMAT parquet)")
        written.append([day, str(path.resolve())])
    con.execute("BEGIN")
    try:
        con.execute("DELETE FROM main.raw_hf_models WHERE as_of < ?", [cutoff])
        if written:
            con.executemany("INSERT OR REPLACE INTO compacted_slices VALUES (?, ?)", written)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    log.info("compacted %d raw_hf_models slice(s) before %s into %s", len(days), cutoff, folder)
    return days


def history(con: duckdb.DuckDBPyConnection) -> None:
    """Shadow raw_hf_models with a temporary view that adds the compacted slices back (none: no view)."""
    con.execute("DROP VIEW IF EXISTS temp.raw_hf_models")
    if not table_exists(con, "compacted_slices"):
        return
    files = [p for (p,) in con.execute("SELECT path FROM compacted_slices ORDER BY as_of").fetchall()]
    if not files:
        return
    missing = [p for p in files if not Path(p).exists()]
    if missing:
        raise FileNotFoundError(f"compacted raw_hf_models slice {missing[0]} is missing ({len(missing)} in all); "
                                "expected the Parquet history that `revealed compact` wrote")
    [(name,)] = con.execute("SELECT current_database()").fetchall()
    con.execute(f"""CREATE TEMP VIEW raw_hf_models AS
        SELECT * FROM "{name}".main.raw_hf_models
        UNION ALL BY NAME SELECT * FROM read_parquet({files!r})""")


def forget_history(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the shadowing view, so raw_hf_models is the table again."""
    con.execute("DROP VIEW IF EXISTS temp.raw_hf_models")
