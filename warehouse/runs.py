"""Record collection runs in collection_runs, the system's flight recorder."""

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

import duckdb

from warehouse.settings import redact

REPAIRS_SHOWN = 50  # repair lines stored per run; the rest are counted


class Metered(Protocol):
    """What a run reads from its HTTP client at the end (collector.http.Meter or HttpClient)."""

    sandbox: bool
    stats: object  # with `requests` and `retries`


@dataclass
class Run:
    """One run being recorded; the collector sets rows, repairs and, to fail it without raising, problem."""

    con: duckdb.DuckDBPyConnection = field(repr=False)
    source: str
    endpoint: str
    as_of: dt.date
    sandbox: bool = False
    run_id: str | None = None
    rows: int = 0
    repairs: list[str] = field(default_factory=list)
    problem: str | None = None  # why the run failed although nothing was raised

    def begin(self, as_of: dt.date | None = None, sandbox: bool | None = None) -> str:
        """Insert the 'running' row (as_of and sandbox as now known) and return its run id."""
        self.as_of = as_of or self.as_of
        self.sandbox = self.sandbox if sandbox is None else sandbox
        self.run_id = start_run(self.con, self.source, self.endpoint, self.as_of, self.sandbox)
        return self.run_id


@contextmanager
def recorded_run(con: duckdb.DuckDBPyConnection, source: str, endpoint: str, as_of: dt.date, *,
                 secrets: Iterable[str] = (), meter: Metered | None = None, sandbox: bool = False,
                 begin: bool = True) -> Iterator[Run]:
    """Record the body as one run: 'ok' with its counts, or 'failed' on any exception (re-raised), secrets redacted.

    With begin=False the body calls run.begin(as_of, sandbox) once it knows them; a failure before that records
    a run of the given as_of. `endpoint` must already be public (no user:password part).
    """
    run = Run(con, source, endpoint, as_of, sandbox)
    secrets = [s for s in secrets if s]
    if begin:
        run.begin()
    try:
        yield run
    except BaseException as exc:
        if run.run_id is None:
            run.begin()
        _finish(run, meter, redact(f"{type(exc).__name__}: {exc}", secrets), secrets)
        raise
    if run.run_id is None:
        run.begin()
    _finish(run, meter, redact(run.problem, secrets) if run.problem else None, secrets)


def _finish(run: Run, meter: Metered | None, error: str | None, secrets: list[str]) -> None:
    stats = meter.stats if meter is not None else None
    run.sandbox = run.sandbox or bool(meter is not None and meter.sandbox)  # the sandbox says so in its answers
    finish_run(run.con, run.run_id, requests=getattr(stats, "requests", 0), retries=getattr(stats, "retries", 0),
               rows=run.rows, error=error, repairs=[redact(r, secrets) for r in run.repairs], sandbox=run.sandbox)


def start_run(con: duckdb.DuckDBPyConnection, source: str, endpoint: str, as_of: dt.date,
              sandbox: bool = False) -> str:
    """Insert a 'running' row and return its run id."""
    run_id = f"{source}-{as_of.isoformat()}-{uuid.uuid4().hex[:8]}"
    con.execute(
        "INSERT INTO collection_runs (run_id, source, endpoint, as_of, started_at, status, sandbox) "
        "VALUES (?, ?, ?, ?, now(), 'running', ?)",
        [run_id, source, endpoint, as_of, sandbox],
    )
    return run_id


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, *, requests: int = 0, retries: int = 0, rows: int = 0,
               error: str | None = None, repairs: list[str] | None = None, sandbox: bool | None = None) -> None:
    """Close a run as 'ok' or, when an error is given, 'failed' with the reason; repairs: what was mended or skipped."""
    con.execute(
        "UPDATE collection_runs SET finished_at = now(), status = ?, requests = ?, retries = ?, "
        "rows_written = ?, error = ?, repairs = ?, sandbox = coalesce(?, sandbox) WHERE run_id = ?",
        ["failed" if error else "ok", requests, retries, rows, error, _lines(repairs), sandbox, run_id],
    )


def _lines(repairs: list[str] | None) -> str | None:
    """Repairs one a line, the first REPAIRS_SHOWN of them and a count of the rest."""
    if not repairs:
        return None
    more = len(repairs) - REPAIRS_SHOWN
    return "\n".join(repairs[:REPAIRS_SHOWN] + ([f"... and {more} more"] if more > 0 else []))


def close_abandoned(con: duckdb.DuckDBPyConnection) -> int:
    """Mark runs left 'running' by a killed process as failed; return how many."""
    n = con.execute("SELECT count(*) FROM collection_runs WHERE status = 'running'").fetchone()[0]
    con.execute(
        "UPDATE collection_runs SET status = 'failed', finished_at = now(), "
        "error = 'abandoned: the process stopped before the run finished' WHERE status = 'running'"
    )
    return n
