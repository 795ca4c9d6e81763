"""What `revealed status` shows: freshness per source and the most recent runs."""

import duckdb
import pandas as pd

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
       CASE WHEN sandbox THEN 'sandbox (fictional)' ELSE 'live' END AS data, error
FROM collection_runs ORDER BY started_at DESC LIMIT ?
"""


def freshness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Last good as_of and failure count per source."""
    return con.execute(FRESHNESS).df()


def recent_runs(con: duckdb.DuckDBPyConnection, limit: int = 10) -> pd.DataFrame:
    """The newest collection runs."""
    return con.execute(RECENT, [limit]).df()


def render(con: duckdb.DuckDBPyConnection, recent: int = 10) -> str:
    """Plain-text status report."""
    fresh = freshness(con)
    if fresh.empty:
        return "no collection runs yet: try 'revealed sandbox simulate --days 3' or 'revealed collect hf'"
    runs = recent_runs(con, recent)
    lines = ["Freshness per source:", fresh.to_string(index=False), "", "Recent runs:",
             runs.drop(columns=["started_at"]).to_string(index=False)]
    if fresh["sandbox"].any():
        lines.insert(0, "NOTE: this warehouse holds SANDBOX data: fictional models, not real Hugging Face data.")
    return "\n".join(lines)
