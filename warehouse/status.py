"""What `revealed status` shows: freshness per source and the most recent runs."""

from pathlib import Path

import duckdb
import pandas as pd

from warehouse.status_line import moment, pipeline_line, scheduler_now

FRESHNESS = """
SELECT source,
       max(as_of) FILTER (WHERE status = 'ok')       AS last_ok_as_of,
       max(finished_at) FILTER (WHERE status = 'ok') AS last_ok_at,
       count(*) FILTER (WHERE status = 'failed')     AS failed_runs,
       bool_or(sandbox)                              AS sandbox
FROM collection_runs GROUP BY source ORDER BY source
"""

RECENT = """
SELECT run_id, source, as_of, status, requests, retries, rows_written, started_at, finished_at,
       CASE WHEN sandbox THEN 'sandbox (fictional)' WHEN endpoint LIKE 'file:%' THEN 'archived (imported file)'
            ELSE 'live' END AS data, error
FROM collection_runs ORDER BY started_at DESC LIMIT ?
"""

# Every run imported an archived file: the date of the newest Hub listing.
ARCHIVED = """
SELECT bool_and(endpoint LIKE 'file:%'), max(as_of) FILTER (WHERE source = 'hf' AND status = 'ok')
FROM collection_runs
"""


def freshness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Last good as_of and failure count per source."""
    return con.execute(FRESHNESS).df()


def recent_runs(con: duckdb.DuckDBPyConnection, limit: int = 10) -> pd.DataFrame:
    """The newest collection runs."""
    return con.execute(RECENT, [limit]).df()


def jobs_table(state: dict) -> pd.DataFrame:
    """Last and next run of every scheduled job (state: schedule_state.load(home))."""
    rows = [{"job": job_id, "last_run": moment(j.get("last_end")), "status": j.get("last_status", "never run"),
             "next_run": moment(j.get("next_run")), "error": j.get("last_error") or ""}
            for job_id, j in sorted(state.get("jobs", {}).items())]
    return pd.DataFrame(rows, columns=["job", "last_run", "status", "next_run", "error"])


def as_text(frame: pd.DataFrame, dates: tuple[str, ...] = (), times: tuple[str, ...] = ()) -> str:
    """A table as plain text: dates as YYYY-MM-DD, times to the second, every missing value as '-'."""
    shown = frame.copy()
    for column in dates:
        shown[column] = shown[column].dt.strftime("%Y-%m-%d")
    for column in times:
        shown[column] = shown[column].dt.strftime("%Y-%m-%d %H:%M:%S")
    return shown.astype(object).where(shown.notna(), "-").to_string(index=False)


def render(con: duckdb.DuckDBPyConnection, home: Path, recent: int = 10) -> str:
    """Plain-text status report of the warehouse open on con, which lives in home."""
    state, running = scheduler_now(home)
    archived, hf_day = con.execute(ARCHIVED).fetchone()
    lines = [pipeline_line(state, archived=hf_day if archived else None, running=running)]
    if lines[0].startswith("Pipeline idle"):
        lines[0] += " · Next: not scheduled (run 'revealed schedule' or 'revealed up')"
    jobs = jobs_table(state)
    if not jobs.empty:
        lines += ["", "Scheduled jobs:", as_text(jobs)]
    fresh = freshness(con)
    if fresh.empty:
        lines += ["", "no collection runs yet: try 'revealed up', 'revealed sandbox simulate --days 3' "
                      "or 'revealed collect hf'"]
        return "\n".join(lines)
    lines += ["", "Freshness per source (times in UTC):", as_text(fresh, ("last_ok_as_of",), ("last_ok_at",))]
    if recent:
        runs = recent_runs(con, recent).drop(columns=["started_at"])
        lines += ["", "Recent runs:", as_text(runs, ("as_of",), ("finished_at",))]
    if fresh["sandbox"].any():
        lines.insert(0, "NOTE: this warehouse holds SANDBOX data: fictional models, not real Hugging Face data.")
    if archived:
        lines.insert(0, f"NOTE: real public data, archived {hf_day} (imported files, never live): nothing here is "
                        "collected, so no job collects on a schedule.")
    return "\n".join(lines)
