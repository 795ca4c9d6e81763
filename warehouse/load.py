"""Write collector output into raw tables: each as_of slice replaced atomically, alone or with others.

One transaction opens before the first batch arrives: it deletes the old slice, appends each batch as it
arrives (pulling the next batch is what fetches the next pages), and commits; any failure rolls it all back,
so readers see the old slice or the new one, never part of either. DuckDB compresses each full row group
(db.ROW_GROUP_SIZE rows) of the uncommitted append straight into the database file, so a million-row Hub
listing does not sit in memory. Rows are appended from Arrow tables or DataFrames by column name; no row is
encoded twice on the way (docs/benchmarks.md, "Benchmarks: collection").
"""

import datetime as dt
import time
from collections.abc import Iterable, Iterator

import duckdb
import pandas as pd
import pyarrow as pa

from warehouse import db
from warehouse.transaction import transaction

Batch = pa.Table | pd.DataFrame
# DuckDB's cache, not a cap on the process (beyond it DuckDB spills to disk): 64MB bounds what it keeps cached
# of the row groups already written; the COMMIT's last, partial row group (about 20MB of the Hub listing) fits.
# One thread: a second one contends with the collector's own parsing for the cores and loads fewer rows per
# CPU second (bench/collect_hf.py).
LOAD_SETTINGS = {"memory_limit": "64MB", "threads": 1}


def replace_slice(con: duckdb.DuckDBPyConnection, table: str, as_of: dt.date, batches: Iterable[Batch], *,
                  key: str = "as_of", unique: str | None = None, measures: dict | None = None) -> int:
    """Make `batches` the rows of `table` whose `key` is as_of; until every batch has arrived nothing stored changes.

    With `unique`, a value of that column appended twice is kept once, as first appended. `measures`, when
    given, receives the rows dropped so ("duplicates", when any) and the seconds the load took ("load_s" wall,
    "load_cpu_s" process CPU), less those spent waiting for the next batch. Returns the rows kept.
    """
    return replace_slices(con, [(table, as_of, batches)], key=key, unique=unique, measures=measures)[0]


def replace_slices(con: duckdb.DuckDBPyConnection, slices: Iterable[tuple[str, dt.date, Iterable[Batch]]], *,
                   key: str = "as_of", unique: str | None = None, measures: dict | None = None) -> list[int]:
    """replace_slice for several (table, as_of, batches) slices in one transaction; returns the rows kept of each."""
    waited = [0.0, 0.0]  # wall and CPU seconds spent pulling batches
    started, cpu = time.perf_counter(), time.process_time()
    kept, duplicates = [], 0
    with db.settings(con, **LOAD_SETTINGS), transaction(con):
        for table, as_of, batches in slices:
            con.execute(f"DELETE FROM {table} WHERE {key} = ?", [as_of])
            written = sum(append_batch(con, table, batch) for batch in _pulled(batches, waited))
            dropped = _drop_second_copies(con, table, key, as_of, unique) if unique else 0
            duplicates += dropped
            kept.append(written - dropped)
    if measures is not None:
        if duplicates:
            measures["duplicates"] = duplicates
        measures["load_s"] = round(time.perf_counter() - started - waited[0], 3)
        measures["load_cpu_s"] = round(time.process_time() - cpu - waited[1], 3)
    return kept


def append_batch(con: duckdb.DuckDBPyConnection, table: str, batch: Batch) -> int:
    """Insert one Arrow table or DataFrame whose columns are a subset of the table's, by name.

    DuckDB finds the batch by its Python variable name (a replacement scan). con.register() would pin every
    batch registered in the transaction until it commits: the whole listing in Arrow.
    """
    if len(batch) == 0:
        return 0
    load_batch = batch  # noqa: F841 (read by DuckDB through the name in the query)
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM load_batch")
    return len(batch)


def _pulled(batches: Iterable[Batch], waited: list[float]) -> Iterator[Batch]:
    """Yield the batches, adding the wall and CPU seconds each took to arrive to waited[0] and waited[1]."""
    it = iter(batches)
    while True:
        started, cpu = time.perf_counter(), time.process_time()
        batch = next(it, None)
        waited[0] += time.perf_counter() - started
        waited[1] += time.process_time() - cpu
        if batch is None:
            return
        yield batch


def _drop_second_copies(con: duckdb.DuckDBPyConnection, table: str, key: str, as_of: dt.date, unique: str) -> int:
    """Delete all but the first-appended row of each `unique` value in the slice; return how many were deleted."""
    duplicates = con.execute(f"SELECT count(*) - count(DISTINCT {unique}) FROM {table} WHERE {key} = ?",
                             [as_of]).fetchone()[0]
    if duplicates:
        con.execute(f"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} WHERE {key} = ? "
                    f"QUALIFY row_number() OVER (PARTITION BY {unique} ORDER BY rowid) > 1)", [as_of])
    return duplicates
