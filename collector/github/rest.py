"""GitHub REST: one repository per request, the path for runs without a token."""

from collector.github.api import REST_HEADERS, MalformedRepo, json_body, snapshot
from collector.http import HttpClient


def fetch_repo_rest(client: HttpClient, repo: str) -> dict:
    """Snapshot of one repository from GET /repos/{owner}/{name}; a redirect means it was renamed."""
    response = client.get(f"repos/{repo}", headers=REST_HEADERS)
    if response.status_code == 404:
        return snapshot(repo, "rest", {"status": 404})
    body = json_body(response, "a repository object")
    try:
        return snapshot(
            repo, "rest", body, current=body["full_name"], stars=body["stargazers_count"],
            forks=body["forks_count"], watchers=body["subscribers_count"], open_issues=body["open_issues_count"],
            pushed_at=body["pushed_at"], created_at=body["created_at"], archived=body["archived"],
        )
    except (KeyError, TypeError) as exc:
        raise MalformedRepo(f"GET {response.url} answered a repository without {exc}; expected the fields of "
                            "GET /repos/{owner}/{repo}") from None
