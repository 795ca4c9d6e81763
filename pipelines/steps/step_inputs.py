"""What build steps read: the raw tables and their slices, optional upstream tables, the scoring settings."""

import datetime as dt
import logging
from dataclasses import asdict

import duckdb

from pipelines.profiles import METHODOLOGY_VERSION, Config

EPOCH = dt.date(1970, 1, 1)  # a read "from every day", and the anchor of de-noising's calendar blocks

log = logging.getLogger(__name__)

# Upstream tables a step may find absent (their producer not run yet): read through opt_<table> views,
# which are empty when the table is missing, so a missing component becomes NULL, never zero. The de-noising
# writes int_model_noise with exactly these columns (denoise.NOISE_COLUMNS).
OPTIONAL = {
    "int_model_noise": "model_id VARCHAR, as_of DATE, raw_downloads_30d BIGINT, organic_downloads_30d BIGINT, "
                   "automation_share DOUBLE, noise_reasons VARCHAR, mostly_automation BOOLEAN, unseen_share DOUBLE, "
                   "mirror_of VARCHAR",
    "int_model_daily": "model_id VARCHAR, day DATE, raw_downloads BIGINT, organic_downloads BIGINT, imputed BOOLEAN",
    "int_model_github": "model_id VARCHAR, repo VARCHAR, link_source VARCHAR, stars BIGINT, stars_growth_30d BIGINT, "
                    "as_of_github DATE",
    "int_model_clean_scores": "model_id VARCHAR, clean_score DOUBLE, clean_source VARCHAR",
    "int_model_legacy_scores": "model_id VARCHAR, legacy_score DOUBLE, legacy_benchmark VARCHAR",
}


def raw_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The raw_* tables of the warehouse, sorted."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name LIKE 'raw\\_%' ESCAPE '\\' ORDER BY 1"
    ).fetchall()
    return [name for (name,) in rows]


def slices_query(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The query of a raw table's as_of slices: (as_of, rows, first run id, last run id), one row per as_of (run ids
    grouped first: min and max over a few groups per as_of cost a fraction of min and max over every row)."""
    cols = {c for (c,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND table_name = ?", [table]).fetchall()}
    key = "as_of" if "as_of" in cols else "NULL"
    if "run_id" not in cols:
        return f'SELECT {key} AS as_of, count(*) AS rows, NULL AS first_run, NULL AS last_run FROM "{table}" GROUP BY 1'
    return (f"SELECT as_of, sum(n)::BIGINT AS rows, min(run_id) AS first_run, max(run_id) AS last_run "
            f'FROM (SELECT {key} AS as_of, run_id, count(*) AS n FROM "{table}" GROUP BY 1, 2) GROUP BY 1')


def slices(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    """The as_of slices of a raw table (slices_query), by as_of."""
    return con.execute(f"{slices_query(con, table)} ORDER BY 1").fetchall()


def hf_slices(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """raw_hf_models' slices as a build read them once (its temporary hf_slices, pipelines/orchestration/build.py)."""
    return con.execute("SELECT * FROM temp.hf_slices ORDER BY as_of").fetchall()


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether the warehouse's main schema has this table."""
    return con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ?", [table]).fetchall()[0][0] > 0


def hand_on(con: duckdb.DuckDBPyConnection, **days: dt.date | None) -> None:
    """Record days (or NULL) in build_inputs for the later steps of this build (see handed)."""
    con.executemany("INSERT OR REPLACE INTO build_inputs VALUES (?, ?)",
                    [[key, None if day is None else str(day)] for key, day in days.items()])


def handed(con: duckdb.DuckDBPyConnection, key: str) -> dt.date | None:
    """A day an earlier step of this build recorded with hand_on (None: NULL, or that step did not run)."""
    row = con.execute("SELECT value FROM build_inputs WHERE key = ?", [key]).fetchone()
    return dt.date.fromisoformat(row[0]) if row and row[0] else None


def columns(table: str) -> list[tuple[str, str]]:
    """(name, type) of each column of an OPTIONAL table."""
    return [tuple(column.split()) for column in OPTIONAL[table].split(", ")]


def optional_views(con: duckdb.DuckDBPyConnection, reads: tuple[str, ...] = tuple(OPTIONAL)) -> None:
    """Create the temporary opt_<table> views, empty where the table is missing.

    `reads` names the optional tables the calling step reads: only their absence is worth a log line (the
    others may simply be built by a later step).
    """
    for table in OPTIONAL:
        if table_exists(con, table):
            body = f'SELECT {", ".join(name for name, _ in columns(table))} FROM main."{table}"'
        else:
            if table in reads:
                log.info("%s is absent (its step has not run): the figures it feeds are NULL", table)
            body = f'SELECT {", ".join(f"NULL::{kind} AS {name}" for name, kind in columns(table))} WHERE false'
        con.execute(f"CREATE OR REPLACE TEMP VIEW opt_{table} AS {body}")


def write_settings(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Create the temporary revealed_settings (one row: the scoring settings) and profile_weights tables."""
    values = asdict(config.settings) | {"default_profile": config.default_profile,
                                         "methodology_version": METHODOLOGY_VERSION}
    con.execute("CREATE OR REPLACE TEMP TABLE revealed_settings AS SELECT "
                + ", ".join(f"${name} AS {name}" for name in values), values)
    con.execute("CREATE OR REPLACE TEMP TABLE profile_weights "
                "(profile VARCHAR, component VARCHAR, weight DOUBLE, position INTEGER)")
    con.executemany("INSERT INTO profile_weights VALUES (?, ?, ?, ?)",
                    [(name, component, weight, position) for name, weights in config.profiles.items()
                     for position, (component, weight) in enumerate(weights.items())])
