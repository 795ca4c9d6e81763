"""Write collector output into raw tables: whole (as_of) slices, atomically."""

import datetime as dt

import duckdb
import pandas as pd
import pyarrow as pa

from warehouse.transaction import transaction


def replace_slice(con: duckdb.DuckDBPyConnection, table: str, as_of: dt.date,
                  batches, key: str = "as_of") -> int:
    """Replace all rows of `table` for `as_of` with the given Arrow/pandas batches in one transaction."""
    total = 0
    with transaction(con):
        con.execute(f"DELETE FROM {table} WHERE {key} = ?", [as_of])
        for batch in batches:
            total += append_batch(con, table, batch)
    return total


def append_batch(con: duckdb.DuckDBPyConnection, table: str, batch: pa.Table | pd.DataFrame) -> int:
    """Insert one Arrow table or DataFrame whose columns are a subset of the table's, by name."""
    if len(batch) == 0:
        return 0
    con.register("_batch", batch)
    try:
        names = batch.column_names if isinstance(batch, pa.Table) else batch.columns
        cols = ", ".join(f'"{c}"' for c in names if c != "__index_level_0__")
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _batch")
    finally:
        con.unregister("_batch")
    return len(batch)
