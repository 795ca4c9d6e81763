"""The sandbox's GitHub over real HTTP: repositories, renames, stargazers, GraphQL, rate limits, faults."""

import datetime as dt
import time

import pytest
import requests

from collector.sandbox import github_world, routes_github
from collector.sandbox.server import SandboxServer

STAR_JSON = {"Accept": "application/vnd.github.star+json"}
AUTH = {"Authorization": "Bearer sandbox-token"}


def world_repos(world) -> list[github_world.Repo]:
    return sorted({r.name: r for r in github_world.repos(world).values()}.values(), key=lambda r: r.number)


def live(world) -> list[github_world.Repo]:
    """Repositories that answer 200 under their linked name on the sandbox's today."""
    return [r for r in world_repos(world) if not r.gone and r.current == r.name and r.created <= world.today]


def get(sandbox, path: str, **kwargs) -> requests.Response:
    return requests.get(f"{sandbox.url}/github{path}", timeout=10, allow_redirects=False, **kwargs)


def graphql(sandbox, query: str, headers=AUTH) -> requests.Response:
    return requests.post(f"{sandbox.url}/github/graphql", json={"query": query}, headers=headers, timeout=10)


def test_world_has_every_kind_of_repository(world):
    repos = world_repos(world)
    assert any(r.current != r.name for r in repos) and any(r.gone for r in repos) and any(r.archived for r in repos)
    assert len(live(world)) >= 2 and any(r.created > world.today for r in repos)


def test_repository_in_githubs_shape_and_stars_grow_with_time(sandbox, world):
    repo = live(world)[0]
    sandbox.set_date(world.today - dt.timedelta(days=30))
    before = get(sandbox, f"/repos/{repo.name}").json()["stargazers_count"]
    sandbox.set_date(world.today)
    response = get(sandbox, f"/repos/{repo.name}")
    body = response.json()
    assert response.status_code == 200
    assert response.headers["X-Revealed-Sandbox"] == "fictional-data"
    assert body["full_name"] == repo.name and body["stargazers_count"] == body["watchers"] > before > 0
    assert body["subscribers_count"] < body["stargazers_count"]
    assert {"forks_count", "open_issues_count", "pushed_at", "created_at", "archived"} <= set(body)
    assert body["created_at"].endswith("Z") and "." not in body["created_at"]
    assert int(response.headers["x-ratelimit-remaining"]) < int(response.headers["x-ratelimit-limit"])


def test_popular_families_get_more_stars(world):
    repos = world_repos(world)
    by_rate = sorted(repos, key=lambda r: r.rate)
    low, high = by_rate[0], by_rate[-1]
    day = max(low.created, high.created) + dt.timedelta(days=60)
    assert github_world.stars_on(world, high, day) > github_world.stars_on(world, low, day)


def test_launch_month_dominates_as_on_real_model_repositories(world):
    # real: a year after launch DeepSeek-V3 had 1.14x and ChatGLM2-6B 1.33x their 30-day star counts
    top = max(world_repos(world), key=lambda r: r.rate)
    month, year = (github_world.stars_on(world, top, top.created + dt.timedelta(days=d)) for d in (30, 365))
    assert 1.1 < year / month < 1.6


def test_unknown_gone_and_future_repositories_are_404(sandbox, world):
    gone = next(r for r in world_repos(world) if r.gone)
    future = next(r for r in world_repos(world) if r.created > world.today)
    for name in ("nobody/nothing", gone.name, future.name):
        response = get(sandbox, f"/repos/{name}")
        assert (response.status_code, response.json()["message"]) == (404, "Not Found")


def test_renamed_repository_redirects(sandbox, world):
    old = next(r for r in world_repos(world) if r.current != r.name)
    response = get(sandbox, f"/repos/{old.name}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"{sandbox.url}/github/repos/{old.current}"
    followed = requests.get(f"{sandbox.url}/github/repos/{old.name}", timeout=10)
    assert followed.json()["full_name"] == old.current


def test_stargazers_paginate_oldest_first_with_timestamps(sandbox, world):
    repo = next(r for r in live(world) if 150 < github_world.stars_on(world, r, world.today) <= 3000)
    total = get(sandbox, f"/repos/{repo.name}").json()["stargazers_count"]
    url, stamps, pages = f"{sandbox.url}/github/repos/{repo.name}/stargazers?per_page=100", [], 0
    while url:
        response = requests.get(url, headers=STAR_JSON, timeout=10)
        stamps += [item["starred_at"] for item in response.json()]
        url = response.links.get("next", {}).get("url")
        pages += 1
    assert len(stamps) == total and pages == -(-total // 100)
    assert stamps == sorted(stamps)
    assert all(s.endswith("Z") for s in stamps)
    assert dt.date.fromisoformat(stamps[-1][:10]) < world.today
    plain = get(sandbox, f"/repos/{repo.name}/stargazers", params={"per_page": 5}).json()
    assert len(plain) == 5 and "login" in plain[0] and "starred_at" not in plain[0]
    assert get(sandbox, f"/repos/{repo.name}/stargazers", params={"page": 401}).status_code == 422


def test_graphql_batches_with_not_found_and_rate_limit_fields(sandbox, world):
    a, b = live(world)[:2]
    query = ("query { " + " ".join(f'r{i}: repository(owner: "{o}", name: "{n}") {{ nameWithOwner stargazerCount }}'
                                   for i, (o, n) in enumerate([a.name.split("/"), ["gone", "repo"], b.name.split("/")]))
             + " rateLimit { cost limit remaining resetAt } }")
    body = graphql(sandbox, query).json()
    assert body["data"]["r0"]["nameWithOwner"] == a.name and body["data"]["r2"]["nameWithOwner"] == b.name
    assert body["data"]["r1"] is None
    assert body["errors"] == [{"type": "NOT_FOUND", "path": ["r1"], "locations": [{"line": 1, "column": 9}],
                               "message": "Could not resolve to a Repository with the name 'gone/repo'."}]
    assert body["data"]["rateLimit"]["cost"] == 1 and body["data"]["rateLimit"]["resetAt"].endswith("Z")
    assert graphql(sandbox, query, headers={}).status_code == 401
    broken = graphql(sandbox, "query { r0: repository(")
    assert broken.status_code == 200 and "data" not in broken.json() and broken.json()["errors"]


def test_exhausted_limits_answer_like_github(sandbox, world):
    repo = live(world)[0]
    routes_github.set_limit(sandbox.url, "core", 2, window_s=60)
    routes_github.set_limit(sandbox.url, "graphql", 1, window_s=60)
    statuses = [get(sandbox, f"/repos/{repo.name}") for _ in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 403]
    assert statuses[2].headers["x-ratelimit-remaining"] == "0"
    assert 0 < int(statuses[2].headers["x-ratelimit-reset"]) - time.time() <= 61
    assert "rate limit exceeded" in statuses[2].json()["message"]
    assert get(sandbox, "/rate_limit").json()["resources"]["core"]["remaining"] == 0
    assert graphql(sandbox, "query { rateLimit { cost } }").status_code == 200
    limited = graphql(sandbox, "query { rateLimit { cost } }")
    assert limited.status_code == 200 and limited.json()["errors"][0]["type"] == "RATE_LIMITED"
    assert limited.headers["x-ratelimit-remaining"] == "0"


def test_secondary_limit_sends_retry_after(sandbox, world):
    routes_github.throttle(sandbox.url, 1, retry_after=3)
    first, second = (get(sandbox, f"/repos/{live(world)[0].name}") for _ in range(2))
    assert (first.status_code, first.headers["retry-after"], second.status_code) == (403, "3", 200)


@pytest.mark.parametrize("kind, status", [("503", 503), ("429", 429)])
def test_faults_reach_github_routes(sandbox, world, kind, status):
    sandbox.faults.add(kind, count=1, path_prefix="/github")
    assert get(sandbox, f"/repos/{live(world)[0].name}").status_code == status
    assert get(sandbox, f"/repos/{live(world)[0].name}").status_code == 200


def test_a_new_server_on_a_reused_port_starts_with_fresh_limits(world):
    with SandboxServer(world) as first:
        routes_github.set_limit(first.url, "core", 1, window_s=60)
        routes_github.throttle(first.url, 5)
        port = int(first.url.rsplit(":", 1)[1])
    with SandboxServer(world, port=port) as second:
        repo = live(world)[0]
        assert [get(second, f"/repos/{repo.name}").status_code for _ in range(3)] == [200, 200, 200]
