"""The build: an explicit, ordered list of steps from raw snapshots to marts, and every table each one creates.

A step is a SQL file (pipelines/steps/sql/<table>.sql, run as CREATE OR REPLACE TABLE <table>) or a function
step(con, config) -> None, listed with the tables it writes. Before the first step the build writes
`build_inputs` (key, value: inputs_hash, started_at, full; steps add the days later steps read, e.g. the first day
the series changed) and, from the profiles file loaded once per build, the
temporary `revealed_settings` (the scoring settings) and `profile_weights`. All steps run in one transaction: a
failing step leaves every table (and the serving copy) as it was.
"""

import datetime as dt
import functools
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines import profiles
from pipelines.orchestration import compact
from pipelines.profiles import Config
from pipelines.steps import benchmark_scores, channels, denoise, lineage, marts, matching, scoring, series
from pipelines.steps.sql_step import BuildError, run_sql_step
from pipelines.steps.step_inputs import hf_slices, raw_tables, slices, slices_query, table_exists, write_settings
from warehouse import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    """One build step: a function (or, when `run` is None, the SQL file of its one table) and its tables.

    tables: what it makes for later steps and readers (rows logged); state: tables it keeps between builds;
    scratch: temporary tables only it reads, dropped once it is done.
    """

    run: Callable[[duckdb.DuckDBPyConnection, Config], None] | None
    tables: tuple[str, ...]
    state: tuple[str, ...] = ()
    scratch: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The function as module:function, or the SQL step's table."""
        return self.tables[0] if self.run is None else f"{self.run.__module__}:{self.run.__name__}"


def sql(table: str) -> Step:
    """The step that replaces `table` with the result of pipelines/steps/sql/<table>.sql."""
    return Step(None, (table,))


# DuckDB's default limit is 80% of the machine's memory, and it keeps every block a build reads cached up to it: a
# longer history would make a larger daily build. Under this limit it evicts those blocks and spills large joins and
# sorts to disk instead. A full build and a home's first build (every snapshot read anyway) keep the default: under
# 1 GB a full build spilled 19 GB at 100k models x 730 days (docs/benchmarks.md, "daily build").
DAILY_SETTINGS = {"memory_limit": "1GB"}

# The list of snapshots, their slices (the inputs hash and the series step's fingerprint) and the latest slice, read
# by most steps: each read of these views scans the as_of of every snapshot (31 MB of table blocks at 20k models x
# 730 days), so the build reads them once into temporary objects, which names resolve to first (dropped after the
# build); the latest slice's view names its day, so that its reads skip the row groups of older snapshots.
SNAPSHOTS = """
CREATE OR REPLACE TEMP TABLE hf_snapshot_runs AS SELECT * FROM "{db}".main.hf_snapshot_runs;
CREATE OR REPLACE TEMP TABLE hf_slices AS {slices};
"""
LATEST = "CREATE OR REPLACE TEMP VIEW stg_hf_latest AS SELECT * FROM raw_hf_models WHERE as_of = {day}"

# Tables the build itself writes before the first step.
OWN_TABLES = ("build_inputs", "revealed_settings", "profile_weights")

# Build order: add a step where its inputs exist, with every table it creates.
STEPS: list[Step] = [
    # daily downloads from consecutive snapshots, kept between builds (docs/denoising.md)
    # (int_model_daily_raw: a view over int_series_daily)
    Step(series.build, ("int_model_daily_raw",),
         state=("int_series_daily", "int_series_models", "int_series_state"),
         scratch=("int_series_patchy", "int_series_input", "int_series_models_next", "int_series_old",
                  "int_series_new")),
    # organic downloads by calendar blocks, kept between builds (docs/denoising.md)
    Step(denoise.build, ("int_model_noise", "int_model_daily"), state=("int_noise_state",),
         scratch=("int_denoise_ids",)),
    # declared parents, families, derivative counts (docs/methodology.md)
    Step(lineage.build, ("stg_lineage_edges", "int_lineage_nodes", "int_lineage_edges", "int_model_family",
                         "int_lineage_issues", "int_model_derivatives"),
         scratch=("int_lineage_ids", "int_lineage_broken")),
    sql("int_github_repo_stats"),  # per-repository stars, 30-day growth, provenance (docs/github.md)
    sql("int_model_github"),       # each model's linked repository: own card, registry, or family root
    sql("mart_github_repos"),      # the app's GitHub view: tracked repositories and why
    sql("mart_github_daily"),      # stars per repository and day
    Step(benchmark_scores.build, ("int_benchmark_scores",)),  # LiveBench averages, LiveCodeBench clean windows
    # benchmark model names -> Hub repositories, then per-model clean and legacy scores (docs/matching.md)
    Step(matching.build, ("int_benchmark_matches", "int_model_clean_scores", "int_model_legacy_scores",
                          "mart_benchmarks", "mart_benchmark_matches")),
    # Ollama pulls and OpenRouter tokens matched to families, for the local and API use components (docs/channels.md)
    Step(channels.build, ("int_channel_matches", "int_channel_local_daily", "int_channel_api_daily",
                          "int_channel_entries", "int_channel_totals", "mart_channel_entries", "mart_channel_daily")),
    # reads every step above: components, composites and ranks per profile, rank intervals
    # (int_entity_daily, a temporary table only it reads, is dropped after it: 880 MB of DuckDB's 1 GB at 1M x 30)
    Step(scoring.build, ("int_model_facts", "int_entity_inputs", "int_entity_components", "int_entity_scores"),
         scratch=("int_entity_daily",)),
    # the families whose members changed, from the day the change counts (each model's first daily row, kept): the
    # marts step redoes their per-day rows (kept for publishing, which reads it with marts_since)
    Step(marts.family_redo, ("int_family_redo",), state=("int_model_first_day",)),
    # last: the mart_* tables and meta (docs/marts.md); the per-day marts kept and rewritten from the first changed day
    Step(marts.build, marts.MARTS, state=("int_daily_marts_state", "int_family_members_kept")),
]


def release_table_blocks(con: duckdb.DuckDBPyConnection) -> None:
    """Under DAILY_SETTINGS: make DuckDB give back the table blocks it has cached (read again from the file if a query
    needs them), keeping what only memory holds (temporary tables, the open transaction's writes)."""
    con.execute(f"SET memory_limit = '{db.memory_only_mb(con)}MB'")
    con.execute(f"SET memory_limit = '{DAILY_SETTINGS['memory_limit']}'")  # as set: the limit reads back rounded


def steps_of(*runs: Callable | str) -> list[Step]:
    """The steps of STEPS that run these functions or make these SQL tables, in build order."""
    found = [s for s in STEPS if (s.run or s.tables[0]) in runs]
    missing = [r for r in runs if r not in [s.run or s.tables[0] for s in found]]
    if missing:
        raise BuildError(f"not in the build list: {missing!r}; expected step functions or SQL tables of STEPS")
    return found


def steps_through(run: Callable | str) -> list[Step]:
    """STEPS up to and including the step that runs `run`."""
    return STEPS[:STEPS.index(steps_of(run)[0]) + 1]


@dataclass
class StepReport:
    """How one step went."""

    name: str
    seconds: float
    rows: dict[str, int]
    created: tuple[str, ...] = ()  # tables that did not exist before it, its scratch tables included


@dataclass
class BuildReport:
    """What a build did: its inputs hash and one report per step."""

    inputs_hash: str
    started_at: dt.datetime
    steps: list[StepReport] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        """Total time spent in steps."""
        return sum(s.seconds for s in self.steps)


def inputs_hash(con: duckdb.DuckDBPyConnection, config: Config) -> str:
    """A hash of what the build reads: the profiles and scoring settings, and per raw table its as_of slices with row
    counts and run ids (in a build, raw_hf_models' are the hf_slices it has read already)."""
    digest = hashlib.sha256()
    digest.update(repr((config.default_profile, sorted((name, sorted(weights.items()))
                                                       for name, weights in config.profiles.items()),
                        config.settings)).encode())
    in_build = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'temp' "
                           "AND table_name = 'hf_slices'").fetchall()[0][0]
    for table in raw_tables(con):
        rows = hf_slices(con) if in_build and table == "raw_hf_models" else slices(con, table)
        for row in rows:
            digest.update(repr((table, *row)).encode())
    return digest.hexdigest()[:16]


@functools.cache  # the code this process runs: read once, as it was imported, not again on every build
def code_hash() -> str:
    """A hash of the pipelines' code (every .py and .sql file): published data from other code is rebuilt by `up`."""
    root = Path(__file__).resolve().parents[1]
    files = sorted(p for p in root.rglob("*") if p.suffix in (".py", ".sql"))
    return hashlib.sha256(b"".join(str(p.relative_to(root)).encode() + p.read_bytes() for p in files)).hexdigest()[:16]


def write_build_inputs(con: duckdb.DuckDBPyConnection, report: BuildReport, full: bool) -> None:
    """Record the inputs hash, start time and whether to rebuild kept state where later steps can read them."""
    con.execute("CREATE OR REPLACE TABLE build_inputs (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.executemany("INSERT INTO build_inputs VALUES (?, ?)", [
        ["inputs_hash", report.inputs_hash],
        ["code_hash", code_hash()],
        ["started_at", report.started_at.isoformat(timespec="seconds")],
        ["full", str(full).lower()],
    ])


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables and views of the warehouse and the temporary ones of this connection, bar the opt_<table> views
    steps read optional tables through (pipelines/steps/step_inputs.py)."""
    return {name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name IN (current_database(), 'temp') UNION "
        "SELECT view_name FROM duckdb_views() WHERE database_name IN (current_database(), 'temp') AND NOT internal "
        "AND view_name NOT LIKE 'opt\\_%' ESCAPE '\\'").fetchall()}


def run_step(con: duckdb.DuckDBPyConnection, step: Step, config: Config) -> StepReport:
    """Run one step, count the rows of its tables, then drop its scratch tables."""
    before, began = table_names(con), time.perf_counter()
    try:
        run_sql_step(con, step.tables[0]) if step.run is None else step.run(con, config)
    except BuildError:
        raise
    except Exception as exc:
        raise BuildError(f"build step {step.name!r} failed: {exc}") from exc
    rows = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in step.tables}
    created = tuple(sorted(table_names(con) - before))
    for table in step.scratch:
        con.execute(f'DROP TABLE IF EXISTS "{table}"')
    return StepReport(step.name, time.perf_counter() - began, rows, created)


def run_build(con: duckdb.DuckDBPyConnection, steps: list[Step] | None = None, full: bool = False,
              profiles_file: Path | None = None) -> BuildReport:
    """Run every step in order inside one transaction, logging time and rows; raise BuildError on failure.

    full: recompute what steps keep between builds (the daily series, pipelines/steps/series.py) from every snapshot;
    otherwise, once a series is kept, DuckDB works under DAILY_SETTINGS.
    profiles_file: the profiles and scoring settings (None: the packaged file), loaded once and passed to every step.
    """
    steps = STEPS if steps is None else steps
    try:
        config = profiles.load(profiles_file)
    except profiles.ProfileError as exc:
        raise BuildError(f"the build did not start: {exc}") from exc
    compact.history(con)  # compacted raw snapshots read back from Parquet (pipelines/orchestration/compact.py)
    try:
        con.execute(SNAPSHOTS.format(db=con.execute("SELECT current_database()").fetchall()[0][0],
                                     slices=slices_query(con, "raw_hf_models")))
        [(latest,)] = con.execute("SELECT max(as_of) FROM hf_slices").fetchall()
        con.execute(LATEST.format(day=f"DATE '{latest}'" if latest else "NULL"))
        daily = is_daily(con, full)
        with db.settings(con, **(DAILY_SETTINGS if daily else {})):
            return run_steps(con, steps, full, config, release=daily)
    finally:
        con.execute("DROP VIEW IF EXISTS temp.stg_hf_latest; DROP TABLE IF EXISTS temp.hf_snapshot_runs; "
                    "DROP TABLE IF EXISTS temp.hf_slices")
        compact.forget_history(con)


def is_daily(con: duckdb.DuckDBPyConnection, full: bool) -> bool:
    """Whether this build extends a series kept by an earlier one (not --full, not a home's first build)."""
    return not full and table_exists(con, "int_series_state") and con.execute(
        "SELECT count(*) FROM int_series_state WHERE key = 'slices'").fetchone()[0] > 0


def run_steps(con: duckdb.DuckDBPyConnection, steps: list[Step], full: bool, config: Config,
              release: bool = False) -> BuildReport:
    """run_build's body: the steps in one transaction; release: give back the table blocks DuckDB cached after each
    step (a daily build: what one step scanned, e.g. a column of every snapshot, is not held through the next ones)."""
    report = BuildReport(inputs_hash(con, config), dt.datetime.now(dt.UTC).replace(tzinfo=None))
    log.info("build started: %d steps, inputs %s", len(steps), report.inputs_hash)
    con.execute("BEGIN")
    try:
        write_build_inputs(con, report, full)
        write_settings(con, config)
        for number, step in enumerate(steps, 1):
            report.steps.append(run_step(con, step, config))
            if release:
                release_table_blocks(con)
            log.info("step %d/%d %s: %.2fs %s", number, len(steps), step.name, report.steps[-1].seconds,
                     ", ".join(f"{t}={n:,} rows" for t, n in report.steps[-1].rows.items()))
        began = time.perf_counter()
        con.execute("COMMIT")
        log.info("committed in %.2fs", time.perf_counter() - began)
    except BaseException:
        con.execute("ROLLBACK")
        log.error("build failed; the warehouse and the serving copy are unchanged")
        raise
    log.info("build finished in %.2fs", report.seconds)
    return report
