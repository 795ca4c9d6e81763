"""DuckDB connections to the warehouse and to the published serving copy."""

import hashlib
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse import paths
from warehouse.migrate import migrate
from warehouse.runs import close_abandoned

WAREHOUSE_CATALOG = "warehouse"
# A quarter of DuckDB's default (122,880 rows). A load compresses each full row group as it fills and copies only
# the last, partial one into the table at COMMIT, so smaller groups keep that copy small and a day's listing loads
# faster (docs/benchmarks.md, "Collection"). Not stored in the file: every writer attaches with it.
ROW_GROUP_SIZE = 30_720


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the writable warehouse file (paths.warehouse_file(home)), applying any pending migrations."""
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    # ROW_GROUP_SIZE is an ATTACH option, so the file is attached to an in-memory instance. Naming that instance
    # after the file makes every connect() in this process share it, as duckdb.connect(path) shares its
    # instance: a second, separate ATTACH of the same file would be refused. It closes with its last connection.
    instance = hashlib.sha256(str(path).encode()).hexdigest()[:16]
    con = quiet(duckdb.connect(f":memory:revealed-{instance}"))
    con.execute(f"ATTACH IF NOT EXISTS {literal(path)} AS {WAREHOUSE_CATALOG} (ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
    con.execute(f"USE {WAREHOUSE_CATALOG}")
    con.execute(f"SET temp_directory = {literal(f'{path}.tmp')}")  # an in-memory instance would spill into ./.tmp
    migrate(con)
    return con


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file read-only (raises duckdb.IOException while a writer holds it)."""
    return quiet(duckdb.connect(str(path), read_only=True))


def literal(path: Path | str) -> str:
    """A file path as a SQL string literal (ATTACH and SET take no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def quiet(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Turn off DuckDB's progress bar, which it draws on stdout even into a log file; revealed reports its own."""
    con.execute("SET enable_progress_bar = false")
    return con


SERVING_CATALOG = "serving"  # cursors of a serving connection start in memory: run USE serving on each


def connect_serving(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the published serving copy (paths.serving_file(home)) read-only; raise if nothing was published yet."""
    if not path.exists():
        raise FileNotFoundError(f"no published warehouse at {path}: run 'revealed up' first "
                                "(or 'revealed build' once data is collected)")
    # ATTACH from a fresh in-memory instance: duckdb.connect(path) would hand back a cached instance that still
    # holds the previous serving file open, so a long-lived reader (the app) would never see a new publish.
    con = duckdb.connect()
    con.execute(f"ATTACH {literal(path)} AS {SERVING_CATALOG} (READ_ONLY)")
    con.execute(f"USE {SERVING_CATALOG}")
    return con


def connect_for_status(home: Path) -> tuple[duckdb.DuckDBPyConnection, str | None]:
    """The warehouse read-only, or the serving copy with a note when a writer holds the warehouse."""
    if not home.is_dir():  # a mistyped home: creating a warehouse there would show an empty, healthy-looking one
        raise FileNotFoundError(f"no home at '{home}' ($REVEALED_HOME): the folder does not exist; "
                                "'revealed up' creates one, or set REVEALED_HOME to an existing home")
    path = paths.warehouse_file(home)
    if not path.exists():
        return connect(path), None
    try:
        return connect_read_only(path), None
    except duckdb.IOException:
        note = "the warehouse is being written right now: showing the last published state"
        return connect_serving(paths.serving_file(home)), note


def recover(home: Path) -> int:
    """With the writer lock held: mark runs a killed writer left 'running' as failed; return how many."""
    con = connect(paths.warehouse_file(home))
    try:
        return close_abandoned(con)
    finally:
        con.close()


def memory_only_mb(con: duckdb.DuckDBPyConnection) -> int:
    """What DuckDB holds that only memory has (temporary tables, the open transaction's writes), in MB, 8 MB over: under
    a limit this low it gives back the table blocks it has cached (first: they cost no write) and spills nothing."""
    held = dict(con.execute("SELECT tag, memory_usage_bytes FROM duckdb_memory()").fetchall())
    return (sum(held.values()) - held.get("BASE_TABLE", 0)) // 2**20 + 8


def numpy_settings(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """For a block that holds large numpy arrays and runs no query: DuckDB held to what only memory holds, at most
    256 MB, so it gives back the table blocks it has cached, which nothing reads meanwhile (648 MB of 1 GB when
    de-noising starts at 1M models x 30 days; at 20k x 730 it had 120 MB, which a fixed 256 MB left cached)."""
    return {"memory_limit": f"{min(256, memory_only_mb(con))}MB"}


@contextmanager
def settings(con: duckdb.DuckDBPyConnection, **values):
    """Run the block with DuckDB settings changed, then put the previous values back."""
    before = {name: con.execute(f"SELECT current_setting('{name}')").fetchall()[0][0] for name in values}
    for name, value in values.items():
        con.execute(f"SET {name} = '{value}'")
    try:
        yield
    finally:
        for name, value in before.items():
            con.execute(f"RESET {name}")  # exact when it was the default; memory_limit reads back rounded
            if con.execute(f"SELECT current_setting('{name}')").fetchall()[0][0] != value:
                con.execute(f"SET {name} = '{value}'")
