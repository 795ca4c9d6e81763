"""Publish the marts to the read-only serving copy: write a new file, then rename it into place."""

import logging
import os
import uuid
from pathlib import Path

import duckdb

from warehouse import db

log = logging.getLogger(__name__)
# Besides every mart_* table, the app reads these.
EXTRA_TABLES = ("collection_runs", "meta")


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


def publish(con: duckdb.DuckDBPyConnection, target: Path) -> Path:
    """Copy the published tables into a fresh DuckDB file and atomically replace the serving copy with it.

    Readers holding the old serving file open keep reading it (it is a different inode); new readers
    see the new one. The live warehouse is never file-copied: tables go through ATTACH.
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
    source = con.execute("SELECT current_database()").fetchone()[0]
    con.execute(f"ATTACH {db.literal(fresh)} AS publish_target")
    try:
        for table in tables:
            con.execute(f'CREATE TABLE publish_target."{table}" AS SELECT * FROM "{source}".main."{table}"')
        con.execute("DETACH publish_target")
    except BaseException:
        con.execute("DETACH DATABASE IF EXISTS publish_target")
        for leftover in (fresh, Path(f"{fresh}.wal")):
            leftover.unlink(missing_ok=True)
        raise
    os.replace(fresh, target)
    log.info("published %d tables to %s", len(tables), target)
    return target
