"""Record collection runs in collection_runs, the system's flight recorder."""

import datetime as dt
import uuid
from dataclasses import dataclass, field

import duckdb

REPAIRS_SHOWN = 50  # repair lines stored per run; the rest are counted


@dataclass
class RunStats:
    """Counters a collector updates while it runs."""

    requests: int = 0
    retries: int = 0
    rows: int = 0
    extra: dict = field(default_factory=dict)


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


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, stats: RunStats, error: str | None = None,
               repairs: list[str] | None = None) -> None:
    """Close a run as 'ok' or, when an error is given, 'failed' with the reason; repairs: what was mended or skipped."""
    con.execute(
        "UPDATE collection_runs SET finished_at = now(), status = ?, requests = ?, retries = ?, "
        "rows_written = ?, error = ?, repairs = ? WHERE run_id = ?",
        ["failed" if error else "ok", stats.requests, stats.retries, stats.rows, error, _lines(repairs), run_id],
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
