"""Publish the marts to the read-only serving copy: write a new file, then rename it into place.

A daily build's publish copies the previous serving file and replaces in the copy the small tables and only the
per-day rows the build rewrote (what its marts step handed on); anything else (a full build, a first publish, a
serving file not published from the build before this one) writes every table into a fresh file.
"""

import contextlib
import datetime as dt
import logging
import os
import shutil
import uuid
from pathlib import Path

import duckdb

from warehouse import db

log = logging.getLogger(__name__)
# Besides every mart_* table, the app reads these.
EXTRA_TABLES = ("collection_runs", "meta")
# Per-day marts a daily build rewrites only from a day on (pipelines/steps/marts.py): publish_days.sql updates them.
DAILY = ("mart_model_daily", "mart_family_daily")
# In the serving file: the build it holds (build_id).
STATE = "publish_state"
TARGET = "publish_target"
DAYS_SQL = (Path(__file__).with_name("publish_days.sql")).read_text()


class NothingToPublish(RuntimeError):
    """The marts hold no model: publishing would replace the serving copy with an empty one."""


def published_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The warehouse tables that go into the serving copy."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' "
        "AND (table_name LIKE 'mart\\_%' ESCAPE '\\' OR list_contains(?, table_name)) ORDER BY 1",
        [list(EXTRA_TABLES)],
    ).fetchall()
    return [name for (name,) in rows]


def build_inputs(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The warehouse's build_inputs (key -> value) of its last committed build; empty before the first."""
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                       "AND table_name = 'build_inputs'").fetchone()[0]:
        return {}
    return dict(con.execute("SELECT key, value FROM build_inputs").fetchall())


def build_id(con: duckdb.DuckDBPyConnection) -> str | None:
    """The last committed build of the warehouse (its start time and inputs hash), or None before the first."""
    inputs = build_inputs(con)
    return f"{inputs.get('started_at')} {inputs.get('inputs_hash')}" if inputs else None


def handed_since(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The first day this build's marts step rewrote in the per-day marts (None: rebuilt whole, or not run)."""
    inputs = build_inputs(con)
    since = inputs.get("marts_since")
    return dt.date.fromisoformat(since) if since and inputs.get("full") != "true" else None


def served_build(target: Path) -> str | None:
    """The build the serving file at `target` holds (None: none recorded, or no file)."""
    if not target.exists():
        return None
    try:  # not duckdb.connect(target): its cached instance may hold a replaced file
        served = db.connect_serving(target)
    except duckdb.Error as exc:
        log.warning("the serving copy %s cannot be read (%s): every table is written afresh", target, exc)
        return None
    try:
        if not served.execute(f"SELECT count(*) FROM duckdb_tables() WHERE database_name = '{db.SERVING_CATALOG}' "
                              f"AND table_name = '{STATE}'").fetchone()[0]:
            return None
        row = served.execute(f"SELECT value FROM {STATE} WHERE key = 'build_id'").fetchone()
        return row and row[0]
    finally:
        served.close()


def publish(con: duckdb.DuckDBPyConnection, target: Path, previous_build: str | None = None) -> Path:
    """Write the published tables to a new DuckDB file and atomically replace the serving copy with it.

    previous_build: build_id(con) before the build just run. When the serving copy holds that build and the marts
    step kept the per-day marts, the new file is a copy of the serving copy with only what changed replaced;
    otherwise every table is written afresh. Readers holding the old serving file open keep reading it (it is a
    different inode); new readers see the new one. The live warehouse is never file-copied: tables go through ATTACH.
    """
    tables = published_tables(con)
    if "mart_models" not in tables or not con.execute("SELECT count(*) FROM mart_models").fetchone()[0]:
        kept = f"the last good serving copy {target} is kept" if target.exists() else "nothing was published yet"
        raise NothingToPublish(f"the build holds no models (mart_models is empty: no Hugging Face snapshot "
                               f"collected yet?), so it would publish nothing; {kept}. "
                               "Run 'revealed up' to collect and publish")
    for stale in target.parent.glob(f".{target.name}.*.tmp*"):  # left by a publish that was killed
        stale.unlink(missing_ok=True)
    fresh = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    since = handed_since(con)
    update = since is not None and previous_build is not None and served_build(target) == previous_build
    if update:
        shutil.copyfile(target, fresh)
    con.execute(f"ATTACH {db.literal(fresh)} AS {TARGET}")
    try:
        con.execute("BEGIN")
        write(con, tables, since if update else None, build_id(con))
        con.execute("COMMIT")
        con.execute(f"DETACH {TARGET}")
    except BaseException:
        with contextlib.suppress(duckdb.Error):  # none left open when COMMIT itself failed
            con.execute("ROLLBACK")
        con.execute(f"DETACH DATABASE IF EXISTS {TARGET}")
        for leftover in (fresh, Path(f"{fresh}.wal")):
            leftover.unlink(missing_ok=True)
        raise
    os.replace(fresh, target)
    log.info("published %d tables to %s (%s)", len(tables), target,
             f"per-day rows from {since} on" if update else "every row")
    return target


def write(con: duckdb.DuckDBPyConnection, tables: list[str], since: dt.date | None, build: str | None) -> None:
    """Write the tables into the attached target: whole, bar the per-day marts' rows before `since` (None: all);
    record `build` as the one it holds."""
    source = con.execute("SELECT current_database()").fetchone()[0]
    served = {name for (name,) in con.execute(
        f"SELECT table_name FROM duckdb_tables() WHERE database_name = '{TARGET}'").fetchall()}
    for gone in served - {*tables, STATE}:
        con.execute(f'DROP TABLE {TARGET}."{gone}"')
    kept = set(DAILY) if since is not None and set(DAILY) <= served else set()
    for table in tables:
        if table not in kept:
            con.execute(f'CREATE OR REPLACE TABLE {TARGET}."{table}" AS SELECT * FROM "{source}".main."{table}"')
    if kept:
        redone = con.execute("SELECT least(min(since), ?) FROM int_family_redo", [since]).fetchone()[0]
        for statement in filter(str.strip, DAYS_SQL.split(";")):
            con.execute(statement, {k: v for k, v in (("since", since), ("redone", redone)) if f"${k}" in statement})
    con.execute(f"CREATE OR REPLACE TABLE {TARGET}.{STATE} AS SELECT 'build_id' AS key, ? AS value", [build])
