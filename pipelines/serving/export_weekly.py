"""Weekly CSV snapshot: models_<YYYY-Www>.csv and families_<YYYY-Www>.csv from the serving copy.

Every row carries data_kind ('sandbox', 'live' or 'reference', real data imported from archives): sandbox rows
are fictional (docs/methodology.md, "Exports").
"""

import datetime as dt
import os
import tempfile
from pathlib import Path

import duckdb

MODEL_COLUMNS = (
    "model_id", "family", "rank", "rank_low", "rank_high", "composite", "raw_downloads_30d", "organic_downloads_30d",
    "automation_share", "noise_reasons", "derivatives_finetune", "derivatives_quantized", "derivatives_adapter",
    "derivatives_merge", "active_derivatives", "github_stars", "clean_score", "clean_source", "legacy_score",
    "contamination_gap", "license", "params_b", "as_of_hf", "as_of_github", "as_of_benchmarks",
    "methodology_version", "inputs_hash",
    "coverage", "adoption", "cohort_adoption", "momentum", "ecosystem", "community", "capability", "license_class",
    "size_class", "unseen_share", "pipeline_tag", "open_weight", "derivatives_unknown",
    "local_pulls_30d", "as_of_local", "api_tokens_30d", "as_of_api", "local_use", "api_use",
)
FAMILY_COLUMNS = (
    "family", "members", "rank", "rank_low", "rank_high", "composite", "coverage", "raw_downloads_30d",
    "organic_downloads_30d", "organic_share", "derivatives_finetune", "derivatives_quantized", "derivatives_adapter",
    "derivatives_merge", "active_derivatives", "top_model", "github_stars", "clean_score", "as_of_hf",
    "as_of_github", "as_of_benchmarks", "methodology_version", "inputs_hash", "derivatives_unknown",
    "local_pulls_30d", "as_of_local", "api_tokens_30d", "as_of_api",
)

# Decimals kept in the CSV: scores to 0.01 points, shares to 0.0001, parameters to millions.
DECIMALS = {"composite": 2, "adoption": 2, "cohort_adoption": 2, "momentum": 2, "ecosystem": 2, "community": 2,
            "capability": 2, "local_use": 2, "api_use": 2, "clean_score": 2, "legacy_score": 2,
            "contamination_gap": 2, "automation_share": 4, "coverage": 4, "organic_share": 4, "params_b": 3,
            "unseen_share": 4}


KINDS = ("sandbox", "reference", "live")  # what meta.data_kind may say


class ExportError(ValueError):
    """The export cannot be written: names the bad value and what was expected."""


def iso_week(day: dt.date) -> str:
    """The ISO week of a day as YYYY-Www."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The serving copy's meta table, checked for what an export needs."""
    values = dict(con.execute("SELECT key, value FROM meta").fetchall())
    if values.get("data_kind") not in KINDS or not values.get("as_of_hf"):
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


def csv_text(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> str:
    """A query's rows as CSV text, written by DuckDB as the weekly files are (the app's download)."""
    with tempfile.TemporaryDirectory(prefix="revealed-csv-") as scratch:
        path = Path(scratch) / "rows.csv"
        con.sql(sql, params=params).write_csv(str(path), header=True)
        return path.read_text()


TABLES = {"model": ("mart_models", MODEL_COLUMNS, "model_id"), "family": ("mart_families", FAMILY_COLUMNS, "family")}
PROFILE_COLUMNS = ("rank", "rank_low", "rank_high", "composite", "coverage")  # what a weight profile changes


def query(entity: str, kind: str, profile: bool = False) -> str:
    """The export's rows of models or families: rounded columns, data_kind last, ordered by rank.

    With profile, ranks and composites are those of the profile named $profile, for the ids in $ids only (the app's
    download of a filtered view)."""
    if kind not in KINDS:
        raise ExportError(f"data_kind {kind!r} is not one of {', '.join(KINDS)}: run 'revealed build' again")
    table, columns, key = TABLES[entity]

    def column(name: str) -> str:
        source = f"s.{name}" if profile and name in PROFILE_COLUMNS else f"t.{name}"
        return f"round({source}, {DECIMALS[name]}) AS {name}" if name in DECIMALS else f"{source} AS {name}"

    scored = (f" JOIN mart_scores s ON s.entity_kind = '{entity}' AND s.entity_id = t.{key} AND s.profile = $profile"
              f" WHERE list_contains($ids::VARCHAR[], t.{key})") if profile else ""
    return (f"SELECT {', '.join(map(column, columns))}, '{kind}' AS data_kind FROM {table} t{scored} "
            f"ORDER BY rank NULLS LAST, {key}")


def export_weekly(con: duckdb.DuckDBPyConnection, out: Path, week: str | None = None) -> dict[Path, int]:
    """Write the week's model and family CSVs into out from con's marts; return rows per file.

    Only the marts' own week exists here: pipelines/orchestration/export_history.py rebuilds an earlier one."""
    values = meta(con)
    published = iso_week(dt.date.fromisoformat(values["as_of_hf"]))
    week = week or published
    if week != published:
        raise ExportError(f"no data for week {week}: these marts hold week {published} "
                          f"(Hub snapshot of {values['as_of_hf']}); expected --week {published} or no --week")
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, entity in (("models", "model"), ("families", "family")):
        path = out / f"{name}_{week}.csv"
        written[path] = write_csv(con, query(entity, values["data_kind"]), path)
    return written
