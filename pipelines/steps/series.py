"""Build step: the daily download series (int_model_daily_raw), kept between builds and extended by new snapshots.

The series is stored in int_series_daily. A build books only the spans that end on snapshots newer than the last
build's (pipelines/steps/sql/int_series_spans.sql), starting from each model's last snapshot (int_series_models);
models with a missing all-time count are recomputed whole. When a snapshot the last build read was replaced or
removed, a snapshot older than its last was added, the series SQL changed, or the build is full, everything is
recomputed. It tells later steps what moved, in build_inputs: series_after, the last snapshot the stored series
had read (NULL when recomputed), and series_changed_from, the first day whose rows changed or that a new snapshot
may concern (at most `after`).
"""

import datetime as dt
import hashlib
import json
import logging

import duckdb

from pipelines.profiles import Config
from pipelines.steps.sql_step import sql_text as sql
from pipelines.steps.step_inputs import EPOCH, hand_on, hf_slices

log = logging.getLogger(__name__)
FILES = ("int_series_input", "int_series_patchy", "int_series_models", "int_series_spans")

STATE = """
CREATE TABLE IF NOT EXISTS int_series_daily (model_id VARCHAR, day DATE, raw_downloads BIGINT, imputed BOOLEAN,
                                         decreased BOOLEAN);
CREATE TABLE IF NOT EXISTS int_series_models (model_id VARCHAR, as_of DATE, all_time BIGINT, patchy BOOLEAN);
CREATE TABLE IF NOT EXISTS int_series_state (key VARCHAR PRIMARY KEY, value VARCHAR);
"""
RESET = "DROP TABLE int_series_daily; DROP TABLE int_series_models; DROP TABLE int_series_state;"


def code_hash() -> str:
    """A hash of the series SQL: a change recomputes the stored series."""
    return hashlib.sha256("".join(sql(name) for name in FILES).encode()).hexdigest()[:16]


def fingerprint(con: duckdb.DuckDBPyConnection) -> list[list]:
    """The build's raw_hf_models slices as JSON-able rows (as_of, rows, first run id, last run id)."""
    return [[str(as_of), *rest] for as_of, *rest in hf_slices(con)]


def kept_until(con: duckdb.DuckDBPyConnection, now: list[list]) -> tuple[dt.date | None, str]:
    """The last as_of of the stored series if it still holds for the raw slices `now` (else None), and why."""
    if con.execute("SELECT value FROM build_inputs WHERE key = 'full'").fetchone()[0] == "true":
        return None, "a full build"
    state = dict(con.execute("SELECT key, value FROM int_series_state").fetchall())
    if "slices" not in state:
        return None, "no stored series"
    if state.get("code") != code_hash():
        return None, "the series SQL changed"
    kept = json.loads(state["slices"])
    if not kept or [s for s in now if s[0] <= kept[-1][0]] != kept:
        return None, "a snapshot it read changed or an older one was added"
    return dt.date.fromisoformat(kept[-1][0]), ""


CHANGED_FROM = """
SELECT least($after::DATE, (SELECT min(day) FROM (
    (SELECT * FROM int_series_new EXCEPT ALL SELECT * FROM int_series_old)
    UNION ALL (SELECT * FROM int_series_old EXCEPT ALL SELECT * FROM int_series_new))))
"""


def build(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Extend the stored series with the new snapshots (or recompute it), record what changed (series_after,
    series_changed_from) and expose it as the view int_model_daily_raw."""
    con.execute(STATE)
    now = fingerprint(con)
    after, why = kept_until(con, now)
    if after is None:
        log.info("series recomputed from every snapshot: %s", why)
        con.execute(RESET)
        con.execute(STATE)
    else:
        log.info("series extended after %s", after)
    params = {"after": after or EPOCH}
    con.execute(f"CREATE OR REPLACE TEMP TABLE int_series_patchy AS {sql('int_series_patchy')}", params)
    con.execute("CREATE OR REPLACE TEMP TABLE int_series_old AS SELECT * FROM int_series_daily "
                "WHERE model_id IN (SELECT model_id FROM int_series_patchy)")
    con.execute("DELETE FROM int_series_daily WHERE model_id IN (SELECT model_id FROM int_series_patchy)")
    con.execute(f"CREATE OR REPLACE TEMP TABLE int_series_input AS {sql('int_series_input')}", params)
    if after is None:
        con.execute(f"INSERT INTO int_series_daily SELECT * FROM ({sql('int_series_spans')}) ORDER BY day")
        hand_on(con, series_after=None, series_changed_from=None)
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE int_series_new AS {sql('int_series_spans')}")
        con.execute("INSERT INTO int_series_daily SELECT * FROM int_series_new ORDER BY day")
        [(changed_from,)] = con.execute(CHANGED_FROM, {"after": after}).fetchall()
        hand_on(con, series_after=after, series_changed_from=changed_from)
    con.execute(f"CREATE OR REPLACE TEMP TABLE int_series_models_next AS {sql('int_series_models')}", params)
    con.execute("DELETE FROM int_series_models; INSERT INTO int_series_models SELECT * FROM int_series_models_next")
    con.execute("INSERT OR REPLACE INTO int_series_state VALUES ('code', ?), ('slices', ?)",
                [code_hash(), json.dumps(now)])
    con.execute("CREATE OR REPLACE TEMP VIEW int_model_daily_raw AS SELECT * FROM int_series_daily")
