"""GitHub collector: snapshots of the tracked repositories, then star-history backfill, as one recorded run.

With a token it asks GraphQL (100 repositories per query), without one REST (one request per repository).
Against the sandbox the registry of real repositories is left out: its models are fictional, so only the
repositories their model cards link to are tracked.
"""

import datetime as dt
import json
import logging
from urllib.parse import urljoin

import duckdb
import pyarrow as pa

from collector.github.api import REST_HEADERS, GitHubError, MalformedRepo
from collector.github.graphql import fetch_repos_graphql
from collector.github.links import REGISTRY, tracked_repos
from collector.github.rest import fetch_repo_rest
from collector.github.stargazers import DEFAULT_BUDGET, backfill_stars
from collector.http import HttpClient, HttpError, RequestStats, observation_date, probe_sandbox, public_url
from collector.result import CollectResult
from warehouse import load, runs
from warehouse.settings import Settings

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


def save_repos(con: duckdb.DuckDBPyConnection, as_of: dt.date, run_id: str, rows: list[dict]) -> int:
    """Make the snapshot rows (each with its registry and card links) the as_of slice of raw_github_repos."""
    records = [{**row, "as_of": as_of, "run_id": run_id, "payload": json.dumps(row["payload"], sort_keys=True)}
               for row in rows]
    return load.replace_slice(con, TABLE, as_of, [pa.Table.from_pylist(records, schema=SCHEMA)])


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
    except HttpError as exc:
        raise GitHubError(f"cannot reach the GitHub API at {public_url(api_url)}: {client.meter.redact(str(exc))}") \
            from None


def collect(con: duckdb.DuckDBPyConnection, settings: Settings, *, as_of: dt.date | None = None,
            backfill_budget: int = DEFAULT_BUDGET, registry=REGISTRY) -> CollectResult:
    """Snapshot every tracked repository into one raw_github_repos slice, then backfill star histories.

    as_of defaults to the sandbox clock's date on the sandbox, else today (UTC). extra holds api, repos, found,
    renamed [(old, new)], missing, backfill (a summary) and repairs.
    """
    api_url, token = settings.github_api, settings.github_token
    stats = RequestStats()
    client = HttpClient(api_url, token=token, stats=stats, calls_per_window=REST_CALLS_PER_MINUTE, window_s=60)
    api = "graphql" if token else "rest"
    with runs.recorded_run(con, SOURCE, public_url(api_url), as_of or observation_date(), secrets=settings.secrets(),
                           meter=client, begin=False) as run:
        sandbox_date = probe(api_url, token, stats)
        as_of = as_of or observation_date(sandbox_date)
        run.begin(as_of, sandbox_date is not None)
        links = tracked_repos(con, use_registry=not run.sandbox, registry=registry)
        log.info("github: %d repositories to snapshot via %s%s", len(links), api,
                 " (sandbox: fictional data, model-card links only)" if run.sandbox else "")
        rows = [{**row, "links": links[row["repo"]]}
                for row in fetch_repos(client, list(links), graphql=bool(token), repairs=run.repairs)]
        run.rows = save_repos(con, as_of, run.run_id, rows)
        backfill = backfill_stars(con, client, [r for r in rows if r["found"]], backfill_budget, as_of, run.run_id)
    result = CollectResult.of(run, stats, api=api, repos=len(rows), found=sum(r["found"] for r in rows),
                              renamed=[(r["repo"], r["renamed_to"]) for r in rows if r["renamed_to"]],
                              missing=[r["repo"] for r in rows if not r["found"]], backfill=backfill,
                              repairs=[client.meter.redact(r) for r in run.repairs])
    for repair in result.extra["repairs"]:
        log.warning("github: %s", repair)
    for old, new in result.extra["renamed"]:
        log.info("github: %s was renamed to %s", old, new)
    if missing := result.extra["missing"]:
        log.warning("github: %d repositories not found: %s", len(missing), ", ".join(missing[:10]))
    return result
