"""Weekly CSV snapshot: models_<YYYY-Www>.csv and families_<YYYY-Www>.csv from the serving copy.

Every row carries data_kind ('sandbox', 'live' or 'reference', real data imported from archives): sandbox rows
are fictional (docs/methodology.md, "Exports").
"""

import datetime as dt
import os
from pathlib import Path

import duckdb

MODEL_COLUMNS = (
    "model_id", "family", "rank", "rank_low", "rank_high", "composite", "raw_downloads_30d", "organic_downloads_30d",
    "automation_share", "noise_reasons", "derivatives_finetune", "derivatives_quantized", "derivatives_adapter",
    "derivatives_merge", "active_derivatives", "github_stars", "clean_score", "clean_source", "legacy_score",
    "contamination_gap", "license", "params_b", "as_of_hf", "as_of_github", "as_of_benchmarks",
    "methodology_version", "inputs_hash",
    "coverage", "adoption", "momentum", "ecosystem", "community", "capability", "license_class", "size_class",
    "unseen_share", "local_pulls_30d", "as_of_local", "api_tokens_30d", "as_of_api",
)
FAMILY_COLUMNS = (
    "family", "members", "rank", "rank_low", "rank_high", "composite", "coverage", "raw_downloads_30d",
    "organic_downloads_30d", "organic_share", "derivatives_finetune", "derivatives_quantized", "derivatives_adapter",
    "derivatives_merge", "active_derivatives", "top_model", "github_stars", "clean_score", "as_of_hf",
    "as_of_github", "as_of_benchmarks", "methodology_version", "inputs_hash", "local_pulls_30d", "as_of_local",
    "api_tokens_30d", "as_of_api",
)

# Decimals kept in the CSV: scores to 0.01 points, shares to 0.0001, parameters to millions.
DECIMALS = {"composite": 2, "adoption": 2, "momentum": 2, "ecosystem": 2, "community": 2, "capability": 2,
            "clean_score": 2, "legacy_score": 2, "contamination_gap": 2, "automation_share": 4, "coverage": 4,
            "organic_share": 4, "params_b": 3, "unseen_share": 4}


class ExportError(ValueError):
    """The export cannot be written: names the bad value and what was expected."""


def iso_week(day: dt.date) -> str:
    """The ISO week of a day as YYYY-Www."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The serving copy's meta table, checked for what an export needs."""
    values = dict(con.execute("SELECT key, value FROM meta").fetchall())
    if values.get("data_kind") not in ("sandbox", "live", "reference") or not values.get("as_of_hf"):
        raise ExportError(f"the serving copy's meta has data_kind={values.get('data_kind')!r}, "
                          f"as_of_hf={values.get('as_of_hf')!r}; expected sandbox, live or reference and a date: "
                          "run 'revealed build' again")
    return values


def write_csv(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> int:
    """Write a query's rows to path through a temporary file renamed into place; return the row count."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        [(rows,)] = con.execute(f"COPY ({sql}) TO '{partial}' (FORMAT csv, HEADER)").fetchall()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return rows


def export_weekly(con: duckdb.DuckDBPyConnection, out: Path, week: str | None = None) -> dict[Path, int]:
    """Write the week's model and family CSVs into out; return rows per file. Only the published week exists."""
    values = meta(con)
    published = iso_week(dt.date.fromisoformat(values["as_of_hf"]))
    week = week or published
    if week != published:
        raise ExportError(f"no data for week {week}: the serving copy holds week {published} "
                          f"(Hub snapshot of {values['as_of_hf']}); expected --week {published} or no --week")
    out.mkdir(parents=True, exist_ok=True)
    kind = values["data_kind"]
    written = {}
    for name, table, columns, key in (("models", "mart_models", MODEL_COLUMNS, "model_id"),
                                      ("families", "mart_families", FAMILY_COLUMNS, "family")):
        select = ", ".join(f"round({c}, {DECIMALS[c]}) AS {c}" if c in DECIMALS else c for c in columns)
        sql = f"SELECT {select}, '{kind}' AS data_kind FROM {table} ORDER BY rank NULLS LAST, {key}"
        path = out / f"{name}_{week}.csv"
        written[path] = write_csv(con, sql, path)
    return written
