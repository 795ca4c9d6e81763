"""DuckDB connections to the warehouse and to the published serving copy."""

from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse import paths
from warehouse.migrate import migrate
from warehouse.runs import close_abandoned


def connect(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the writable warehouse, applying any pending migrations."""
    con = quiet(duckdb.connect(str(path or paths.warehouse_file())))
    migrate(con)
    return con


def connect_read_only(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only (raises duckdb.IOException while a writer holds it)."""
    return quiet(duckdb.connect(str(path or paths.warehouse_file()), read_only=True))


def quiet(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Turn off DuckDB's progress bar, which it draws on stdout even into a log file; revealed reports its own."""
    con.execute("SET enable_progress_bar = false")
    return con


SERVING_CATALOG = "serving"  # cursors of a serving connection start in memory: run USE serving on each


def connect_serving(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the published serving copy read-only; raise if nothing was published yet."""
    path = path or paths.serving_file()
    if not path.exists():
        raise FileNotFoundError(f"no published warehouse at {path}: run 'revealed build' first")
    # ATTACH from a fresh in-memory instance: duckdb.connect(path) would hand back a cached instance that still
    # holds the previous serving file open, so a long-lived reader (the app) would never see a new publish.
    con = duckdb.connect()
    quoted = str(path).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS {SERVING_CATALOG} (READ_ONLY)")
    con.execute(f"USE {SERVING_CATALOG}")
    return con


def connect_for_status() -> tuple[duckdb.DuckDBPyConnection, str | None]:
    """The warehouse read-only, or the serving copy with a note when a writer holds the warehouse."""
    path = paths.warehouse_file()
    if not path.exists():
        return connect(), None
    try:
        return connect_read_only(path), None
    except duckdb.IOException:
        return connect_serving(), "the warehouse is being written right now: showing the last published state"


def recover() -> int:
    """With the writer lock held: mark runs a killed writer left 'running' as failed; return how many."""
    con = connect()
    try:
        return close_abandoned(con)
    finally:
        con.close()


@contextmanager
def settings(con: duckdb.DuckDBPyConnection, **values):
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
