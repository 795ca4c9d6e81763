"""Marts step: the tables of docs/marts.md that the app, the exports and the questionnaires read."""

import duckdb

from pipelines import profiles, step_inputs
from pipelines.build import produces, run_sql_step

MARTS = ("mart_models", "mart_families", "mart_scores", "mart_model_daily", "mart_family_daily", "mart_lineage",
         "mart_snapshot_growth", "mart_profile_weights", "mart_channel_families", "meta")


@produces(*MARTS)
def build(con: duckdb.DuckDBPyConnection) -> None:
    """Build step: every mart from pipelines/sql/<mart>.sql."""
    step_inputs.prepare(con, profiles.load())
    for table in MARTS:
        run_sql_step(con, table)
