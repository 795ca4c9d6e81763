"""Build step: benchmark model names -> Hugging Face repo ids (int_benchmark_matches), then the score tables."""

import logging

import duckdb
import pyarrow as pa

from pipelines.profiles import Config
from pipelines.steps.name_match import Entry, HubIndex, match_all
from pipelines.steps.sql_step import run_sql_step

log = logging.getLogger(__name__)

NAMES = """
SELECT source, model, any_value(link) AS link, any_value(organization) AS organization,
       any_value(other_names) AS other_names
FROM int_benchmark_scores GROUP BY source, model ORDER BY source, model
"""
HUB = """
SELECT id, coalesce(downloads, 0) AS downloads FROM stg_hf_latest
"""
SQL_STEPS = ("int_model_clean_scores", "int_model_legacy_scores", "mart_benchmarks", "mart_benchmark_matches")
MATCHES = pa.schema([("source", pa.string()), ("model", pa.string()), ("hf_id", pa.string()),
                     ("method", pa.string()), ("candidates", pa.string())])


def hub_index(con: duckdb.DuckDBPyConnection) -> HubIndex:
    """The ids of the latest Hub slice, their parents from int_lineage_edges and their 30-day downloads."""
    downloads = dict(con.execute(HUB).fetchall())
    parents: dict[str, set[str]] = {}
    for child, parent in con.execute("SELECT child, parent FROM int_lineage_edges").fetchall():
        parents.setdefault(child, set()).add(parent)
    return HubIndex(sorted(downloads), parents, {k: float(v) for k, v in downloads.items()})


def benchmark_entries(con: duckdb.DuckDBPyConnection) -> list[Entry]:
    """Each distinct (source, model) of int_benchmark_scores with its link, organization and other names."""
    return [Entry(source, model, link, tuple(others or ()), org)
            for source, model, link, org, others in con.execute(NAMES).fetchall()]


def write_matches(con: duckdb.DuckDBPyConnection) -> None:
    """Replace int_benchmark_matches from int_benchmark_scores and the latest Hub slice."""
    entries = benchmark_entries(con)
    matches = match_all(entries, hub_index(con)) if entries else []  # the index costs seconds at 100k ids
    table = pa.Table.from_pylist([m.__dict__ for m in matches], schema=MATCHES)
    con.register("_matches", table)
    try:
        con.execute("CREATE OR REPLACE TABLE int_benchmark_matches AS SELECT * FROM _matches")
    finally:
        con.unregister("_matches")
    unresolved = sum(m.hf_id is None and m.method != "closed" for m in matches)
    sandbox = con.execute("SELECT coalesce(bool_or(sandbox), false) FROM collection_runs "
                          "WHERE source IN ('livebench', 'livecodebench')").fetchone()[0]
    log.info("matching%s: %d of %d benchmark names resolved; %d ambiguous or unknown (see int_benchmark_matches)",
             " (SANDBOX: fictional names)" if sandbox else "", sum(m.hf_id is not None for m in matches),
             len(matches), unresolved)


def build(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Build step: match benchmark names, then per-model clean and legacy scores and the benchmark marts."""
    write_matches(con)
    for table in SQL_STEPS:
        run_sql_step(con, table)
