"""The build: an explicit, ordered list of steps from raw snapshots to marts.

A step is the name of pipelines/sql/<table>.sql (run as CREATE OR REPLACE TABLE <table> AS <file>), or a
Python function step(con) -> None decorated with @produces(<tables>) so the build can log its rows, given as
"module:function" (imported when the build runs, so step modules may import this one) or as the function.
The build first writes `build_inputs` (key, value: inputs_hash, started_at, full) for steps such as meta to read.
All steps run in one transaction: a failing step leaves every table (and the serving copy) as it was.
"""

import datetime as dt
import hashlib
import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)
SQL = Path(__file__).parent / "sql"

Step = str | Callable[[duckdb.DuckDBPyConnection], None]

# Build order. Add your step where its inputs exist, one line each: a SQL table name or "module:function"
# (a string, not an import: step modules import produces from here).
STEPS: list[Step] = [
    "pipelines.series:build",   # model_daily_raw: daily downloads from consecutive snapshots, kept between builds
    "pipelines.denoise:build",  # model_noise and model_daily: organic downloads
    "pipelines.lineage:build",  # lineage_edges, model_family, model_derivatives, lineage_issues
    "github_repo_stats",        # per-repository stars, 30-day growth, provenance (docs/github.md)
    "model_github",             # each model's linked repository: own card, registry, or family root
    "mart_github_repos",        # the app's GitHub view: tracked repositories and why
    "mart_github_daily",        # stars per repository and day
    "pipelines.benchmark_scores:build",  # benchmark_scores: LiveBench averages, LiveCodeBench clean windows
    "pipelines.matching:build",  # benchmark_matches, model_clean_scores, model_legacy_scores, mart_benchmarks
    "pipelines.channels:build",  # Ollama pulls and OpenRouter tokens matched to families (docs/channels.md)
    "pipelines.scoring:build",  # keep near last (reads every step above): components, composites, rank intervals
    "pipelines.marts:build",    # keep last: mart_* tables and meta (docs/marts.md)
]


# Large tables that only later steps of the same build read: kept as temporary tables of the build's connection
# instead of being written to the warehouse file (model_daily_raw, made by pipelines/series.py, is one too).
SCRATCH = {"entity_daily"}


class BuildError(RuntimeError):
    """A build step failed; nothing the build wrote was kept."""


def produces(*tables: str):
    """Declare the tables a Python step writes, for progress logging."""
    def mark(func):
        func.tables = tables
        return func
    return mark


@dataclass
class StepReport:
    """How one step went."""

    name: str
    seconds: float
    rows: dict[str, int]


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


def step_name(step: Step) -> str:
    """A readable name for a step."""
    return step if isinstance(step, str) else f"{step.__module__}:{step.__name__}"


def resolve(step: Step) -> Step:
    """The function behind a "module:function" step; SQL step names and functions as they are."""
    if not isinstance(step, str) or ":" not in step:
        return step
    module, _, name = step.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise BuildError(f"build step {step!r} names no function; expected 'module:function' ({exc})") from exc


def step_tables(step: Step) -> tuple[str, ...]:
    """The tables a (resolved) step writes."""
    return (step,) if isinstance(step, str) else getattr(step, "tables", ())


def run_sql_step(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Replace `table` with the result of pipelines/sql/<table>.sql."""
    path = SQL / f"{table}.sql"
    if not path.exists():
        raise BuildError(f"build step {table!r} has no SQL file; expected {path}")
    kind = "TEMP TABLE" if table in SCRATCH else "TABLE"
    con.execute(f'CREATE OR REPLACE {kind} "{table}" AS\n{path.read_text()}')


def raw_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The raw_* tables of the warehouse, sorted."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name LIKE 'raw\\_%' ESCAPE '\\' ORDER BY 1"
    ).fetchall()
    return [name for (name,) in rows]


def slices(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    """The as_of slices of a raw table: (as_of, rows, first run id, last run id), by as_of."""
    cols = {c for (c,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND table_name = ?", [table]).fetchall()}
    runs = "min(run_id), max(run_id)" if "run_id" in cols else "NULL, NULL"
    key = "as_of" if "as_of" in cols else "NULL"
    return con.execute(f'SELECT {key}, count(*), {runs} FROM "{table}" GROUP BY 1 ORDER BY 1').fetchall()


def inputs_hash(con: duckdb.DuckDBPyConnection) -> str:
    """A hash of what the build reads: per raw table, its as_of slices with row counts and run ids."""
    digest = hashlib.sha256()
    for table in raw_tables(con):
        for row in slices(con, table):
            digest.update(repr((table, *row)).encode())
    return digest.hexdigest()[:16]


def write_build_inputs(con: duckdb.DuckDBPyConnection, report: BuildReport, full: bool) -> None:
    """Record the inputs hash, start time and whether to rebuild kept state where later steps can read them."""
    con.execute("CREATE OR REPLACE TABLE build_inputs (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.executemany("INSERT INTO build_inputs VALUES (?, ?)", [
        ["inputs_hash", report.inputs_hash],
        ["started_at", report.started_at.isoformat(timespec="seconds")],
        ["full", str(full).lower()],
    ])


def run_build(con: duckdb.DuckDBPyConnection, steps: list[Step] | None = None, full: bool = False) -> BuildReport:
    """Run every step in order inside one transaction, logging time and rows; raise BuildError on failure.

    full: recompute what steps keep between builds (the daily series, pipelines/series.py) from every snapshot.
    """
    steps = STEPS if steps is None else steps
    report = BuildReport(inputs_hash(con), dt.datetime.now(dt.UTC).replace(tzinfo=None))
    log.info("build started: %d steps, inputs %s", len(steps), report.inputs_hash)
    con.execute("BEGIN")
    try:
        write_build_inputs(con, report, full)
        for number, step in enumerate(steps, 1):
            name, step = step_name(step), resolve(step)
            began = time.perf_counter()
            try:
                run_sql_step(con, step) if isinstance(step, str) else step(con)
            except BuildError:
                raise
            except Exception as exc:
                raise BuildError(f"build step {name!r} failed: {exc}") from exc
            rows = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in step_tables(step)}
            report.steps.append(StepReport(name, time.perf_counter() - began, rows))
            log.info("step %d/%d %s: %.2fs %s", number, len(steps), name, report.steps[-1].seconds,
                     ", ".join(f"{t}={n:,} rows" for t, n in rows.items()))
        began = time.perf_counter()
        con.execute("COMMIT")
        log.info("committed in %.2fs", time.perf_counter() - began)
    except BaseException:
        con.execute("ROLLBACK")
        log.error("build failed; the warehouse and the serving copy are unchanged")
        raise
    log.info("build finished in %.2fs", report.seconds)
    return report
