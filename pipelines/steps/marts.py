"""Marts step: the tables of docs/marts.md that the app, the exports and the questionnaires read."""

import hashlib
import logging

import duckdb

from pipelines.profiles import Config
from pipelines.steps import step_inputs
from pipelines.steps.sql_step import run_sql_step, sql_text

log = logging.getLogger(__name__)
MARTS = ("mart_models", "mart_families", "mart_scores", "mart_model_daily", "mart_family_daily", "mart_trends",
         "mart_lineage", "mart_snapshot_growth", "mart_profile_weights", "mart_channel_families", "meta")
# Per-day marts kept between builds: rewritten from int_model_daily's first recomputed day (pipelines/steps/denoise.py),
# and a family whose members changed from the first day the change counts (pipelines/steps/sql/int_family_redo.sql).
DAILY = ("mart_model_daily", "mart_family_daily")
STATE = """
CREATE TABLE IF NOT EXISTS int_daily_marts_state (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS int_family_members_kept (model_id VARCHAR, family VARCHAR, derived BOOLEAN, created DATE);
"""
# int_model_daily rows of the days to rewrite: every model's from $since, a redone family's members' from its day
# (two filtered reads, so the days before $since are read only for the members of a redone family, and only from the
# earliest redone day $first on: the older row groups are skipped)
REDO_ROWS = """
CREATE OR REPLACE TEMP VIEW opt_int_model_daily AS
SELECT model_id, day, raw_downloads, organic_downloads, imputed FROM int_model_daily WHERE day >= DATE '{since}'
UNION ALL
SELECT d.model_id, d.day, d.raw_downloads, d.organic_downloads, d.imputed
FROM int_model_daily d
JOIN (SELECT f.model_id, r.since FROM int_model_facts f JOIN int_family_redo r USING (family)) x USING (model_id)
WHERE d.day < DATE '{since}' AND d.day >= DATE '{first}' AND d.day >= x.since
"""


def code_hash() -> str:
    """A hash of the kept marts' SQL: a change rebuilds them whole."""
    names = (*DAILY, "int_family_redo", "int_model_first_day")
    return hashlib.sha256("".join(sql_text(name) for name in names).encode()).hexdigest()[:16]


def kept_since(con: duckdb.DuckDBPyConnection):
    """The first day the kept per-day marts must rewrite (None: rebuild them whole)."""
    if not all(step_inputs.table_exists(con, t) for t in ("mart_family_daily", "int_daily_marts_state")):
        return None  # (a home whose per-day marts predate their kept state)
    after, since = step_inputs.handed(con, "daily_after"), step_inputs.handed(con, "daily_since")
    state = dict(con.execute("SELECT key, value FROM int_daily_marts_state").fetchall())
    if since is None or state.get("code") != code_hash() or state.get("as_of") != str(after):
        return None
    return since


def first_days(con: duckdb.DuckDBPyConnection, since) -> None:
    """Bring the kept int_model_first_day up to int_model_daily, whose days from `since` on (None: every day, or the
    table is new) the de-noising step rewrote."""
    since = since if since is not None and step_inputs.table_exists(con, "int_model_first_day") else step_inputs.EPOCH
    con.execute("CREATE TABLE IF NOT EXISTS int_model_first_day (model_id VARCHAR, first_day DATE)")
    con.execute("DELETE FROM int_model_first_day WHERE first_day >= ?", [since])
    con.execute(f"INSERT INTO int_model_first_day SELECT * FROM ({sql_text('int_model_first_day')}) ORDER BY first_day",
                {"since": since})


def family_redo(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Build step: each model's first daily row (int_model_first_day), then int_family_redo when the per-day marts are
    kept (kept for publishing: warehouse/publish_days.sql)."""
    con.execute("CREATE TABLE IF NOT EXISTS int_family_redo (family VARCHAR, since DATE)")
    since = kept_since(con)
    first_days(con, since)
    if since is not None:
        run_sql_step(con, "int_family_redo")


def daily_marts(con: duckdb.DuckDBPyConnection, since) -> None:
    """Rewrite the per-day marts' days from `since` on, and those of int_family_redo's families from their own day."""
    count, first = con.execute("SELECT count(*), coalesce(min(since), ?) FROM int_family_redo", [since]).fetchall()[0]
    log.info("per-day marts kept before %s; %d families with changed members redone", since, count)
    con.execute("DELETE FROM mart_model_daily WHERE day >= ?", [since])
    con.execute(f"INSERT INTO mart_model_daily SELECT * FROM ({sql_text('mart_model_daily')}) WHERE day >= ?",
                [since])
    con.execute("DELETE FROM mart_family_daily WHERE day >= ?", [since])
    con.execute("DELETE FROM mart_family_daily m WHERE m.day >= ? AND EXISTS "
                "(SELECT 1 FROM int_family_redo r WHERE r.family = m.family AND m.day >= r.since)", [first])
    con.execute(REDO_ROWS.format(since=since, first=first))
    con.execute(f"INSERT INTO mart_family_daily {sql_text('mart_family_daily')}")


def build(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Build step: every mart from pipelines/steps/sql/<mart>.sql; the per-day ones only from the first changed day."""
    con.execute(STATE)
    step_inputs.optional_views(con)
    since = kept_since(con)
    for table in MARTS:
        if table == DAILY[0] and since is not None:
            daily_marts(con, since)
            step_inputs.optional_views(con)
        elif table not in DAILY or since is None:
            run_sql_step(con, table)
    con.execute("DELETE FROM int_family_members_kept; INSERT INTO int_family_members_kept "
                "SELECT model_id, family, depth > 0, created_at::DATE FROM int_model_facts")
    step_inputs.hand_on(con, marts_since=since)  # the serving copy's per-day rows to replace (warehouse/publish.py)
    as_of = con.execute("SELECT max(as_of) FROM hf_snapshot_runs").fetchone()[0]
    con.execute("INSERT OR REPLACE INTO int_daily_marts_state VALUES ('code', ?), ('as_of', ?)",
                [code_hash(), str(as_of)])
