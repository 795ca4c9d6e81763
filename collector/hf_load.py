"""Load the HF listing: stage Arrow tables in a scratch table, then swap them in as one as_of slice.

Writing a million-row slice in one long transaction kept it all in memory (1.9 GB peak RSS measured with
synthetic rows). Staging in a temporary table under a DuckDB memory limit (it spills to disk, and never goes
through the WAL) and swapping it in with one INSERT keeps the peak flat.
"""

import datetime as dt
import logging
import time
from collections.abc import Iterable
from contextlib import contextmanager

import duckdb
import pyarrow as pa

from warehouse.load import append_batch
from warehouse.runs import RunStats

log = logging.getLogger(__name__)

TABLE = "raw_hf_models"
SCRATCH = "scratch_raw_hf_models"
# DuckDB's cache, not a cap on the process (beyond it DuckDB spills to disk); one thread because loading
# interleaves with fetching pages and measured 30-45% more rows per CPU-second than two threads on 2 cores.
LOAD_SETTINGS = {"memory_limit": "256MB", "threads": 1}


@contextmanager
def duckdb_settings(con: duckdb.DuckDBPyConnection, **values):
    """Run the block with DuckDB settings changed, then put the previous values back."""
    before = {name: con.execute(f"SELECT current_setting('{name}')").fetchone()[0] for name in values}
    for name, value in values.items():
        con.execute(f"SET {name} = '{value}'")
    try:
        yield
    finally:
        for name, value in before.items():
            con.execute(f"RESET {name}")  # exact when it was the default; memory_limit reads back rounded
            if con.execute(f"SELECT current_setting('{name}')").fetchone()[0] != value:
                con.execute(f"SET {name} = '{value}'")


def load_listing(con: duckdb.DuckDBPyConnection, as_of: dt.date, tables: Iterable[pa.Table], stats: RunStats) -> int:
    """Make `tables` the as_of slice of raw_hf_models; until every table has arrived nothing stored changes.

    A model listed twice (a page served twice) is kept once and counted in stats.extra["duplicates"];
    the seconds spent writing DuckDB go to stats.extra["load_s"] (wall) and ["load_cpu_s"] (process CPU).
    """
    load_s = cpu_s = 0.0
    with duckdb_settings(con, **LOAD_SETTINGS):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {SCRATCH} AS FROM {TABLE} LIMIT 0")
        try:
            for table in tables:  # pulling the next table is what fetches the next pages
                started, cpu = time.perf_counter(), time.process_time()
                append_batch(con, SCRATCH, table)
                load_s, cpu_s = load_s + time.perf_counter() - started, cpu_s + time.process_time() - cpu
            started, cpu = time.perf_counter(), time.process_time()
            duplicates = con.execute(f"SELECT count(*) - count(DISTINCT id) FROM {SCRATCH}").fetchone()[0]
            if duplicates:  # cheaper than INSERT OR IGNORE, which slows every insert down
                con.execute(f"DELETE FROM {SCRATCH} WHERE rowid NOT IN (SELECT min(rowid) FROM {SCRATCH} GROUP BY id)")
            con.execute("BEGIN")
            try:
                con.execute(f"DELETE FROM {TABLE} WHERE as_of = ?", [as_of])
                written = con.execute(f"INSERT INTO {TABLE} SELECT * FROM {SCRATCH}").fetchone()[0]
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            load_s, cpu_s = load_s + time.perf_counter() - started, cpu_s + time.process_time() - cpu
        finally:
            con.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
    if duplicates:
        stats.extra["duplicates"] = duplicates
        log.warning("hf %s: %d models were listed twice; each is kept once", as_of, duplicates)
    stats.extra["load_s"], stats.extra["load_cpu_s"] = round(load_s, 3), round(cpu_s, 3)
    return written
