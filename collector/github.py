"""GitHub collector: snapshots of the tracked repositories, then star-history backfill, as one recorded run.

With a token it asks GraphQL (100 repositories per query), without one REST (one request per repository).
Against the sandbox the registry of real repositories is left out: its models are fictional, so only the
repositories their model cards link to are tracked.
"""

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from urllib.parse import urljoin

import duckdb
import pyarrow as pa

from collector.github_api import DEFAULT_API_URL, REST_HEADERS, GitHubError, MalformedRepo
from collector.github_graphql import fetch_repos_graphql
from collector.github_links import REGISTRY, tracked_repos
from collector.github_rest import fetch_repo_rest
from collector.github_stargazers import DEFAULT_BUDGET, backfill_stars
from collector.hf import HfCollectError, probe_sandbox
from collector.http import HttpClient, HttpError, RequestStats, public_url
from warehouse import load, runs

log = logging.getLogger(__name__)

SOURCE, TABLE = "github", "raw_github_repos"
REST_CALLS_PER_MINUTE = 900   # GitHub's secondary limit for REST points per minute
LINK = pa.struct([("source", pa.string()), ("family", pa.string()), ("hf_org", pa.string()),
                  ("model_glob", pa.string()), ("priority", pa.int32())])
SCHEMA = pa.schema([
    ("as_of", pa.date32()), ("run_id", pa.string()), ("repo", pa.string()), ("found", pa.bool_()),
    ("renamed_to", pa.string()), ("stars", pa.int64()), ("forks", pa.int64()), ("watchers", pa.int64()),
    ("open_issues", pa.int64()), ("pushed_at", pa.timestamp("us")), ("created_at", pa.timestamp("us")),
    ("archived", pa.bool_()), ("api", pa.string()), ("links", pa.list_(LINK)), ("payload", pa.string()),
])


@dataclass
class GithubRun:
    """What one collection did."""

    run_id: str
    sandbox: bool
    api: str
    repos: int = 0
    found: int = 0
    renamed: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    backfill: dict = field(default_factory=dict)
    requests: int = 0
    repairs: list[str] = field(default_factory=list)  # malformed answers skipped


def fetch_repos(client: HttpClient, repos: list[str], graphql: bool, repairs: list[str]) -> list[dict]:
    """Snapshots of the repositories: GraphQL batches with a token, else REST one by one.

    A malformed answer skips its repository (noted in `repairs`); when every answer of several is malformed a
    field is gone, and GitHubError says so.
    """
    answers = list(fetch_repos_graphql(client, repos)) if graphql else [_rest(client, repo) for repo in repos]
    bad = [a for a in answers if isinstance(a, MalformedRepo)]
    if len(answers) > 1 and len(bad) == len(answers):
        raise GitHubError(f"every repository answer is malformed, e.g. {bad[0]}")
    repairs.extend(f"{exc}; repository skipped" for exc in bad)
    return [a for a in answers if not isinstance(a, MalformedRepo)]


def _rest(client: HttpClient, repo: str) -> dict | MalformedRepo:
    """One REST snapshot, or the error that makes its answer unusable."""
    try:
        return fetch_repo_rest(client, repo)
    except MalformedRepo as exc:
        return exc


def to_arrow(rows: list[dict], links: dict[str, list[dict]], as_of: dt.date, run_id: str) -> pa.Table:
    """raw_github_repos rows for one slice."""
    records = [{**row, "as_of": as_of, "run_id": run_id, "links": links[row["repo"]],
                "payload": json.dumps(row["payload"], sort_keys=True)} for row in rows]
    return pa.Table.from_pylist(records, schema=SCHEMA)


def probe(api_url: str, token: str | None, stats: RequestStats) -> dt.date | None:
    """Check the API answers (GET /rate_limit, free on GitHub); the sandbox clock's date on the sandbox, else None."""
    client = HttpClient(api_url, token=token or None, stats=stats, max_retries=1, timeout=10)
    try:
        client.get("rate_limit", headers=REST_HEADERS)
    except HttpError as exc:
        if exc.status is None:  # nothing answered; an API that answers 429 or 5xx is retried by the run itself
            raise GitHubError(f"cannot reach the GitHub API at {public_url(api_url)}: "
                              f"{client.meter.redact(str(exc))}") from None
    try:
        return probe_sandbox(urljoin(client.base_url, "/"), stats) if client.sandbox else None
    except HfCollectError as exc:
        raise GitHubError(f"cannot reach the GitHub API at {public_url(api_url)}: {client.meter.redact(str(exc))}") \
            from None


def collect_github(con: duckdb.DuckDBPyConnection, api_url: str = DEFAULT_API_URL, token: str | None = None,
                   as_of: dt.date | None = None, backfill_budget: int = DEFAULT_BUDGET,
                   registry=REGISTRY) -> GithubRun:
    """Snapshot every tracked repository into one raw_github_repos slice, then backfill star histories.

    as_of defaults to the sandbox clock's date on the sandbox, else today (UTC).
    """
    stats = RequestStats()
    shown = public_url(api_url)
    today = dt.datetime.now(dt.UTC).date()
    client = HttpClient(api_url, token=token or None, stats=stats, calls_per_window=REST_CALLS_PER_MINUTE,
                        window_s=60)
    with runs.recorded_run(con, SOURCE, shown, as_of or today, secrets=[token], meter=client, begin=False) as rec:
        sandbox_date = probe(api_url, token, stats)
        sandbox = sandbox_date is not None
        as_of = as_of or sandbox_date or today
        run = GithubRun(rec.begin(as_of, sandbox), sandbox, "graphql" if token else "rest")
        links = tracked_repos(con, use_registry=not sandbox, registry=registry)
        log.info("github: %d repositories to snapshot via %s%s", len(links), run.api,
                 " (sandbox: fictional data, model-card links only)" if sandbox else "")
        rows = fetch_repos(client, list(links), graphql=bool(token), repairs=rec.repairs)
        rec.rows = load.replace_slice(con, TABLE, as_of, [to_arrow(rows, links, as_of, run.run_id)])
        run.repos = len(rows)
        run.found = sum(r["found"] for r in rows)
        run.renamed = [(r["repo"], r["renamed_to"]) for r in rows if r["renamed_to"]]
        run.missing = [r["repo"] for r in rows if not r["found"]]
        run.backfill = backfill_stars(con, client, [r for r in rows if r["found"]], backfill_budget, as_of,
                                      run.run_id)
    run.requests = stats.requests
    run.repairs = [client.meter.redact(r) for r in rec.repairs]
    for repair in run.repairs:
        log.warning("github: %s", repair)
    for old, new in run.renamed:
        log.info("github: %s was renamed to %s", old, new)
    if run.missing:
        log.warning("github: %d repositories not found: %s", len(run.missing), ", ".join(run.missing[:10]))
    return run
