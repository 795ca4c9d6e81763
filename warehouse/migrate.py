"""Apply the numbered SQL migrations in warehouse/migrations once each, in order."""

import logging
import re
from pathlib import Path

import duckdb

from warehouse.transaction import transaction

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def available() -> list[tuple[int, Path]]:
    """Numbered migration files, in order."""
    found = [(int(m.group(1)), p) for p in MIGRATIONS.iterdir() if (m := NAME.match(p.name))]
    return sorted(found)


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations, each in its own transaction; return the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP DEFAULT now())"
    )
    done = {v for (v,) in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, path in available():
        if version in done:
            continue
        with transaction(con):
            con.execute(path.read_text())
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, path.name])
        log.info("applied migration %s", path.name)
        applied.append(version)
    return applied
