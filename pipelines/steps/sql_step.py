"""SQL steps: pipelines/steps/sql/<table>.sql run as CREATE OR REPLACE TABLE <table>, and the build's error."""

from pathlib import Path

import duckdb

SQL = Path(__file__).parent / "sql"


class BuildError(RuntimeError):
    """A build step failed; nothing the build wrote was kept."""


def sql_text(name: str) -> str:
    """The text of pipelines/steps/sql/<name>.sql."""
    return (SQL / f"{name}.sql").read_text()


def run_sql_step(con: duckdb.DuckDBPyConnection, table: str, temp: bool = False) -> None:
    """Replace `table` (a temporary table of the connection when `temp`) with the result of its SQL file."""
    path = SQL / f"{table}.sql"
    if not path.exists():
        raise BuildError(f"build step {table!r} has no SQL file; expected {path}")
    kind = "TEMP TABLE" if temp else "TABLE"
    con.execute(f'CREATE OR REPLACE {kind} "{table}" AS\n{path.read_text()}')
