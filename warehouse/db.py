"""DuckDB connections to the warehouse and to the published serving copy."""

from pathlib import Path

import duckdb

from warehouse import paths
from warehouse.migrate import migrate


def connect(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the writable warehouse, applying any pending migrations."""
    con = duckdb.connect(str(path or paths.warehouse_file()))
    migrate(con)
    return con


def connect_serving(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the published serving copy read-only; raise if nothing was published yet."""
    path = path or paths.serving_file()
    if not path.exists():
        raise FileNotFoundError(f"no published warehouse at {path}: run 'revealed build' first")
    return duckdb.connect(str(path), read_only=True)


def connect_for_status() -> tuple[duckdb.DuckDBPyConnection, str | None]:
    """The warehouse read-only, or the serving copy with a note when a writer holds the warehouse."""
    path = paths.warehouse_file()
    if not path.exists():
        return connect(), None
    try:
        return duckdb.connect(str(path), read_only=True), None
    except duckdb.IOException:
        return connect_serving(), "the warehouse is being written right now: showing the last published state"
