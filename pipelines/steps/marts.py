"""Marts step: the tables of docs/marts.md that the app, the exports and the questionnaires read."""

import duckdb

from pipelines.profiles import Config
from pipelines.steps import step_inputs
from pipelines.steps.sql_step import run_sql_step

MARTS = ("mart_models", "mart_families", "mart_scores", "mart_model_daily", "mart_family_daily", "mart_lineage",
         "mart_snapshot_growth", "mart_profile_weights", "mart_channel_families", "meta")


def build(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Build step: every mart from pipelines/steps/sql/<mart>.sql."""
    step_inputs.optional_views(con)
    for table in MARTS:
        run_sql_step(con, table)
