"""History as Parquet: raw_hf_models (without payload), model_daily and model_noise, hive-partitioned by as_of.

Layout: <out>/<folder>/as_of=YYYY-MM-DD/*.parquet; model_daily's as_of is the day the downloads happened.
Each table is written to a temporary folder and renamed into place. Every row carries data_kind.
"""

import logging
import shutil
import uuid
from pathlib import Path

import duckdb

from pipelines.steps.step_inputs import table_exists
from warehouse import db

log = logging.getLogger(__name__)
# folder -> (table, SELECT list); as_of is the partition key
TABLES = {
    "raw_hf_models": ("raw_hf_models", "* EXCLUDE (payload)"),
    "model_daily": ("int_model_daily", "day AS as_of, *"),
    "model_noise": ("int_model_noise", "*"),
}
# A partitioned COPY buffers every open partition; under a memory limit it spills instead, so a long history of a
# large Hub exports in bounded memory (figures: docs/benchmarks.md, "export Parquet history").
EXPORT_SETTINGS = {"memory_limit": "1GB"}
DATA_KIND = """SELECT CASE WHEN coalesce(bool_or(sandbox), false) THEN 'sandbox'
                           WHEN bool_and(endpoint LIKE 'file:%') THEN 'reference' ELSE 'live' END
               FROM collection_runs WHERE source = 'hf'"""


def export_parquet(con: duckdb.DuckDBPyConnection, out: Path) -> tuple[dict[str, int], str]:
    """Write each history table that exists under out; return rows per folder and the data kind."""
    if not table_exists(con, "raw_hf_models") or not con.execute("SELECT count(*) FROM raw_hf_models").fetchall()[0][0]:
        raise ValueError("raw_hf_models is empty: nothing to export; collect first ('revealed collect hf' or "
                         "'revealed sandbox simulate --days 3')")
    [(kind,)] = con.execute(DATA_KIND).fetchall()
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for folder, (table, select) in TABLES.items():
        if not table_exists(con, table):
            log.info("%s does not exist yet (run 'revealed build'); not exported", table)
            continue
        fresh = out / f".{folder}.{uuid.uuid4().hex[:8]}.tmp"
        try:
            with db.settings(con, **EXPORT_SETTINGS):
                con.execute(f"COPY (SELECT {select}, '{kind}' AS data_kind FROM {table}) TO '{fresh}' "
                            "(FORMAT parquet, PARTITION_BY (as_of))")
            replace_dir(fresh, out / folder)
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
        [(written[folder],)] = con.execute(f"SELECT count(*) FROM {table}").fetchall()
    return written, kind


def replace_dir(fresh: Path, target: Path) -> None:
    """Put the folder `fresh` at `target`, moving any old one aside first and deleting it after."""
    old = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.old")
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
