"""GitHub API basics shared by the REST and GraphQL readers: headers, errors and the snapshot row."""

import datetime as dt

REST_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
STAR_HEADERS = {**REST_HEADERS, "Accept": "application/vnd.github.star+json"}


class GitHubError(RuntimeError):
    """GitHub answered something unusable; the message says what came back and what was expected."""


class MalformedRepo(GitHubError):
    """One repository's answer lacks a field or has one of the wrong type: it is skipped, the others kept."""


COUNTS = ("stars", "forks", "watchers", "open_issues")


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
    if found:
        _check(repo, api, current, counts)
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


def _check(repo: str, api: str, current, counts: dict) -> None:
    """Raise MalformedRepo when a field of a found repository has the wrong type."""
    wrong = [f"{name} {counts.get(name)!r}" for name in COUNTS
             if type(counts.get(name)) is not int or counts[name] < 0]
    if not isinstance(current, str):
        wrong.append(f"name {current!r}")
    if type(counts.get("archived")) is not bool:
        wrong.append(f"archived {counts.get('archived')!r}")
    for name in ("pushed_at", "created_at"):
        try:
            timestamp(counts.get(name))
        except GitHubError:
            wrong.append(f"{name} {counts.get(name)!r}")
    if wrong:
        raise MalformedRepo(f"{repo} ({api}): {', '.join(wrong)}; expected whole numbers of at least 0, a name, "
                            "true/false and ISO-8601 times")
