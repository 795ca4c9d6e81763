"""GitHub API basics shared by the REST and GraphQL readers: headers, errors and the snapshot row."""

import datetime as dt

DEFAULT_API_URL = "https://api.github.com"
REST_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
STAR_HEADERS = {**REST_HEADERS, "Accept": "application/vnd.github.star+json"}


class GitHubError(RuntimeError):
    """GitHub answered something unusable; the message says what came back and what was expected."""


def timestamp(value: str | None) -> dt.datetime | None:
    """A GitHub 'YYYY-MM-DDTHH:MM:SSZ' time as naive UTC, None for None."""
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(value).astimezone(dt.UTC).replace(tzinfo=None)
    except (TypeError, ValueError):
        raise GitHubError(f"timestamp {value!r} is not ISO-8601 like 2011-01-26T19:06:43Z") from None


def snapshot(repo: str, api: str, payload: dict, current: str | None = None, **counts) -> dict:
    """One raw_github_repos row; found when GitHub named the repository (current), renamed when it differs."""
    found = current is not None
    return {
        "repo": repo,
        "found": found,
        "renamed_to": current if found and current.lower() != repo.lower() else None,
        "stars": counts.get("stars"),
        "forks": counts.get("forks"),
        "watchers": counts.get("watchers"),
        "open_issues": counts.get("open_issues"),
        "pushed_at": timestamp(counts.get("pushed_at")),
        "created_at": timestamp(counts.get("created_at")),
        "archived": counts.get("archived"),
        "api": api,
        "payload": payload,
    }


def json_body(response, expected: str):
    """The response's JSON, or GitHubError naming the URL and what was expected."""
    try:
        return response.json()
    except ValueError:
        raise GitHubError(f"{response.request.method} {response.url} answered a body that is not JSON "
                          f"({len(response.content)} bytes); expected {expected}") from None
