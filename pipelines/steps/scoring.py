"""Scoring step: components per model and family, composites and ranks per weight profile, rank intervals."""

import logging

import duckdb
import numpy as np
import pandas as pd

from pipelines.profiles import COMPONENTS, Config
from pipelines.steps import bootstrap, step_inputs
from pipelines.steps.components import Series, composite, point_components
from pipelines.steps.sql_step import run_sql_step

log = logging.getLogger(__name__)
KINDS = ("model", "family")


def build(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Build step: int_entity_components and int_entity_scores (one row per entity and profile)."""
    step_inputs.optional_views(con)
    run_sql_step(con, "int_model_facts")
    run_sql_step(con, "int_entity_inputs")
    run_sql_step(con, "int_entity_daily", temp=True)  # large and read by this step only: kept out of the file
    for seed_key, kind in enumerate(KINDS):  # each kind written once scored: models and families never held together
        inputs = con.execute("SELECT * FROM int_entity_inputs WHERE entity_kind = ? ORDER BY entity_id", [kind]).df()
        series = Series.load(con, kind, len(inputs), config.settings)
        point = point_components(inputs, series, config.settings)
        write(con, "int_entity_components", pd.concat([inputs[["entity_kind", "entity_id"]],
                                                       pd.DataFrame(point, columns=list(COMPONENTS))], axis=1),
              ", ".join(f"{c}::DOUBLE AS {c}" for c in COMPONENTS), first=seed_key == 0)
        write(con, "int_entity_scores", score(inputs, series, point, config, seed_key),
              "profile, composite::DOUBLE AS composite, coverage::DOUBLE AS coverage, rank::INTEGER AS rank, "
              "rank_low::INTEGER AS rank_low, rank_high::INTEGER AS rank_high", first=seed_key == 0)
        log.info("scored %d %s entities", len(inputs), kind)
        del inputs, series, point


def point_ranks(value: np.ndarray, coverage: np.ndarray, min_coverage: float,
                automated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ranked mask (enough coverage, a composite, not mostly automation) and ranks 1..n by composite, ties by
    entity order."""
    ranked = (coverage >= min_coverage - 1e-9) & ~np.isnan(value) & ~automated
    order = np.flatnonzero(ranked)[np.argsort(-value[ranked], kind="stable")]
    rank = np.full(len(value), np.nan)
    rank[order] = np.arange(1, len(order) + 1)
    return ranked, rank


def score(inputs: pd.DataFrame, series: Series, point: np.ndarray, config: Config, seed_key: int) -> pd.DataFrame:
    """One row per entity and profile: composite, coverage, rank and its bootstrap interval."""
    per_profile, frames = {}, []
    automated = inputs["mostly_automation"].fillna(False).to_numpy(dtype=bool)
    for name, weights in config.profiles.items():
        w = np.array([weights[c] for c in COMPONENTS])
        value, coverage = composite(point, w)
        ranked, rank = point_ranks(value, coverage, config.settings.min_coverage, automated)
        per_profile[name] = (w, ranked, rank)
        frames.append(pd.DataFrame({"entity_kind": inputs["entity_kind"], "entity_id": inputs["entity_id"],
                                    "profile": name, "composite": value, "coverage": coverage, "rank": rank}))
    intervals = bootstrap.rank_intervals(inputs, series, point, config.settings, seed_key, per_profile)
    for frame, name in zip(frames, config.profiles, strict=True):
        frame["rank_low"], frame["rank_high"] = intervals[name][:, 0], intervals[name][:, 1]
    return pd.concat(frames, ignore_index=True)


def write(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, columns: str, first: bool) -> None:
    """Replace `table` (first) or append to it entity_kind, entity_id and the given column expressions over `frame`."""
    con.register("_frame", frame)
    try:
        verb = f"CREATE OR REPLACE TABLE {table} AS" if first else f"INSERT INTO {table}"
        con.execute(f"{verb} SELECT entity_kind::VARCHAR AS entity_kind, entity_id::VARCHAR AS entity_id, {columns} "
                    "FROM _frame")
    finally:
        con.unregister("_frame")
