"""Load the HF listing: append each Arrow table to raw_hf_models inside one transaction that swaps the as_of slice.

The transaction opens before the first page is fetched: it deletes the old slice, appends each 20,000-row Arrow
table as it arrives, drops second copies of a model listed twice, and commits; any failure rolls it all back,
so readers see the old slice or the new one, never part of either. DuckDB compresses each full row group
(db.ROW_GROUP_SIZE rows) of the uncommitted append straight into the database file, so a million-row slice
does not sit in memory; it stays under the memory limit below. Measured against the earlier design (a staging
Parquet file swapped in with one INSERT ... SELECT FROM read_parquet): about 1.5x the rows per CPU second, since
no row is encoded and decoded a second time (README, "Benchmarks: collection"; the Parquet design beat a DuckDB
temporary table, and the one before that kept the slice in memory behind a primary key, 1.9 GB at 1M).
"""

import datetime as dt
import logging
import time
from collections.abc import Iterable, Iterator

import duckdb
import pyarrow as pa

from collector.http import RequestStats
from warehouse import db
from warehouse.transaction import transaction

log = logging.getLogger(__name__)

TABLE = "raw_hf_models"
# DuckDB's cache, not a cap on the process (beyond it DuckDB spills to disk): 64MB bounds what it keeps cached
# of the row groups already written to the file. The COMMIT copies the last, partial row group (db.ROW_GROUP_SIZE
# rows, about 20MB of this table uncompressed) into the table and compresses it; that fits too.
# One thread: it measured 30-45% more rows per CPU second than two on the 2 shared cores of the build machine.
LOAD_SETTINGS = {"memory_limit": "64MB", "threads": 1}


def load_listing(con: duckdb.DuckDBPyConnection, as_of: dt.date, tables: Iterable[pa.Table],
                 stats: RequestStats) -> int:
    """Make `tables` the as_of slice of raw_hf_models; until every table has arrived nothing stored changes.

    A model listed twice (a page served twice) is kept once, as first listed, and counted in
    stats.extra["duplicates"]. The seconds this takes go to stats.extra["load_s"] (wall) and ["load_cpu_s"]
    (process CPU), less those spent waiting for the next table (fetching pages and building the table).
    """
    fetch = [0.0, 0.0]  # wall and CPU seconds spent pulling tables
    started, cpu = time.perf_counter(), time.process_time()
    with db.settings(con, **LOAD_SETTINGS), transaction(con):
        con.execute(f"DELETE FROM {TABLE} WHERE as_of = ?", [as_of])
        for table in _pulled(tables, fetch):
            _append(con, table)
        written, duplicates = _drop_second_copies(con, as_of)
    load_s, load_cpu_s = time.perf_counter() - started - fetch[0], time.process_time() - cpu - fetch[1]
    if duplicates:
        stats.extra["duplicates"] = duplicates
        log.warning("hf %s: %d models were listed twice; each is kept once", as_of, duplicates)
    stats.extra["load_s"], stats.extra["load_cpu_s"] = round(load_s, 3), round(load_cpu_s, 3)
    return written


def _pulled(tables: Iterable[pa.Table], fetch: list[float]) -> Iterator[pa.Table]:
    """Yield the tables, adding the wall and CPU seconds each took to arrive to fetch[0] and fetch[1]."""
    it = iter(tables)
    while True:
        started, cpu = time.perf_counter(), time.process_time()
        table = next(it, None)  # pulling the next table is what fetches the next pages
        fetch[0] += time.perf_counter() - started
        fetch[1] += time.process_time() - cpu
        if table is None:
            return
        yield table


def _append(con: duckdb.DuckDBPyConnection, table: pa.Table) -> None:
    """Append one Arrow table to raw_hf_models (columns matched by name) in the open transaction.

    DuckDB finds the table by its Python variable name (a replacement scan). con.register() would pin every
    table registered in the transaction until it commits: the whole listing in Arrow, measured.
    """
    hf_listing_batch = table  # noqa: F841 (read by DuckDB through the name in the query)
    con.execute(f"INSERT INTO {TABLE} BY NAME SELECT * FROM hf_listing_batch")


def _drop_second_copies(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> tuple[int, int]:
    """Delete all but the first-appended row of each id in the as_of slice; return (rows kept, rows deleted)."""
    rows, duplicates = con.execute(f"SELECT count(*), count(*) - count(DISTINCT id) FROM {TABLE} WHERE as_of = ?",
                                   [as_of]).fetchone()
    if duplicates:
        con.execute(f"DELETE FROM {TABLE} WHERE rowid IN (SELECT rowid FROM {TABLE} WHERE as_of = ? "
                    "QUALIFY row_number() OVER (PARTITION BY id ORDER BY rowid) > 1)", [as_of])
    return rows - duplicates, duplicates
