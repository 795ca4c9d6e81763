"""GitHub GraphQL: aliased repository lookups, up to 100 in one query (one point each), token required."""

import json
import logging

from collector import http
from collector.github.api import GitHubError, MalformedRepo, json_body, snapshot
from collector.http import HttpClient

log = logging.getLogger(__name__)

BATCH = 100
FIELDS = ("nameWithOwner stargazerCount forkCount watchers { totalCount } issues(states: OPEN) { totalCount } "
          "pullRequests(states: OPEN) { totalCount } pushedAt createdAt isArchived")


def build_query(repos: list[str]) -> str:
    """One query with an aliased repository(owner:, name:) lookup per repository, r0, r1, ..."""
    lookups = []
    for i, repo in enumerate(repos):
        owner, name = repo.split("/", 1)
        lookups.append(f"r{i}: repository(owner: {json.dumps(owner)}, name: {json.dumps(name)}) {{ {FIELDS} }}")
    return "query { " + " ".join(lookups) + " rateLimit { cost limit remaining resetAt } }"


def fetch_repos_graphql(client: HttpClient, repos: list[str], batch: int = BATCH):
    """Yield one snapshot per repository, querying `batch` repositories per request."""
    for start in range(0, len(repos), batch):
        chunk = repos[start:start + batch]
        yield from parse_batch(chunk, post_query(client, build_query(chunk)))


def post_query(client: HttpClient, query: str) -> dict:
    """POST a query; an answer of type RATE_LIMITED waits as its rate-limit headers say and asks again."""
    for attempt in range(client.meter.max_retries + 1):
        response = client.post_json("graphql", {"query": query})
        if response.status_code == 404:
            raise GitHubError(f"POST {response.url} answered 404; expected a GraphQL endpoint")
        body = json_body(response, "a GraphQL answer object")
        if not isinstance(body, dict):
            raise GitHubError(f"POST {response.url} answered {type(body).__name__}; expected a GraphQL object")
        if not any(e.get("type") == "RATE_LIMITED" for e in body.get("errors") or []):
            return body
        if attempt == client.meter.max_retries:
            break
        wait = http.retry_wait(attempt, response.headers)
        client.stats.retries += 1
        log.warning("GraphQL rate limit reached; retry %d/%d in %.1fs", attempt + 1, client.meter.max_retries, wait)
        http.sleep(wait)
    raise GitHubError(f"GraphQL still rate limited after {client.meter.max_retries + 1} attempts")


def parse_batch(repos: list[str], body: dict) -> list[dict | MalformedRepo]:
    """Snapshots of a batch; aliases answered null with an error (NOT_FOUND) are recorded as not found.

    An entry without a queried field, or with one of the wrong type, comes back as its MalformedRepo error.
    """
    data, errors = body.get("data"), body.get("errors") or []
    if not isinstance(data, dict):
        messages = "; ".join(str(e.get("message", e)) for e in errors) or "no message"
        raise GitHubError(f"GraphQL answered no data ({messages}); expected data for {len(repos)} repositories")
    by_alias = {e["path"][0]: e for e in errors if e.get("path")}
    rows = []
    for i, repo in enumerate(repos):
        alias = f"r{i}"
        if alias not in data:
            raise GitHubError(f"GraphQL data has no {alias!r} for {repo}; expected one entry per aliased lookup")
        node = data[alias]
        if node is None:
            error = by_alias.get(alias, {"message": "null without an error"})
            if error.get("type") != "NOT_FOUND":
                log.warning("%s not readable through GraphQL: %s", repo, error.get("message"))
            rows.append(snapshot(repo, "graphql", {"error": error}))
            continue
        try:
            rows.append(snapshot(
                repo, "graphql", node, current=node["nameWithOwner"], stars=node["stargazerCount"],
                forks=node["forkCount"], watchers=node["watchers"]["totalCount"],
                open_issues=node["issues"]["totalCount"] + node["pullRequests"]["totalCount"],
                pushed_at=node["pushedAt"], created_at=node["createdAt"], archived=node["isArchived"],
            ))
        except (KeyError, TypeError) as exc:
            rows.append(MalformedRepo(f"GraphQL entry {alias} for {repo} lacks {exc}; expected the queried fields"))
        except MalformedRepo as exc:
            rows.append(exc)
    return rows
