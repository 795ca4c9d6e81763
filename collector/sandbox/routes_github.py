"""Sandbox GitHub under {url}/github: REST repositories and stargazers, GraphQL lookups, rate-limit headers.

Limits are per server and real-time like GitHub's, but generous (5,000 an hour with or without a token)
so demos do not stall; tests tighten them with set_limit() and throttle().
"""

import datetime as dt
import json
import math
import re
import threading
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urlencode

from collector.sandbox import github_world
from collector.sandbox.routing import Request, Response

PREFIXES = ("/github",)
DEFAULT_LIMIT, DEFAULT_WINDOW_S = 5000, 3600.0
MAX_PER_PAGE, MAX_PAGES = 100, 400
DOCS = "https://docs.github.com/rest"
REPO_PATH = re.compile(r"^/repos/([^/]+)/([^/]+)(/stargazers)?/?$")
LOOKUP = re.compile(r'(\w+)\s*:\s*repository\(\s*owner\s*:\s*"([^"]*)"\s*,\s*name\s*:\s*"([^"]*)"\s*\)')


@dataclass
class Quota:
    """A primary rate limit: `limit` requests (REST) or points (GraphQL) per window."""

    limit: int = DEFAULT_LIMIT
    window_s: float = DEFAULT_WINDOW_S
    used: int = 0
    reset_at: float = 0.0
    throttled: int = 0      # the next N requests get a secondary-limit 403 with retry-after
    retry_after: int = 1


_quotas: dict[tuple[str, str], Quota] = {}
_lock = threading.Lock()


def set_limit(base_url: str, resource: str, limit: int, window_s: float = DEFAULT_WINDOW_S) -> None:
    """Give one server's 'core' (REST) or 'graphql' resource a new primary limit, starting now."""
    with _lock:
        _quotas[(base_url, resource)] = Quota(limit, window_s)


def forget(base_url: str) -> None:
    """Drop the limits and throttles kept for base_url: a new server on a reused port starts with fresh ones."""
    with _lock:
        for key in [k for k in _quotas if k[0] == base_url]:
            del _quotas[key]


def throttle(base_url: str, count: int, retry_after: int = 1) -> None:
    """Answer the server's next `count` REST requests with a secondary-limit 403 and retry-after."""
    with _lock:
        quota = _quotas.setdefault((base_url, "core"), Quota())
        quota.throttled, quota.retry_after = count, retry_after


def _book(base_url: str, resource: str) -> tuple[dict[str, str], Quota, bool]:
    """Count one request; return the rate-limit headers, the quota, and whether it is within the limit."""
    now = time.time()
    with _lock:
        quota = _quotas.setdefault((base_url, resource), Quota())
        if now >= quota.reset_at:
            quota.used, quota.reset_at = 0, now + quota.window_s
        allowed = quota.used < quota.limit
        quota.used += allowed
        headers = {"x-ratelimit-limit": str(quota.limit), "x-ratelimit-remaining": str(quota.limit - quota.used),
                   "x-ratelimit-used": str(quota.used), "x-ratelimit-reset": str(math.ceil(quota.reset_at)),
                   "x-ratelimit-resource": resource}
        return headers, quota, allowed


def _secondary(base_url: str) -> int | None:
    """retry-after seconds when a throttle() is pending for this server, else None."""
    with _lock:
        quota = _quotas.get((base_url, "core"))
        if quota is None or quota.throttled <= 0:
            return None
        quota.throttled -= 1
        return quota.retry_after


def handle(req: Request) -> Response | None:
    """Answer a /github request."""
    path = req.path[len("/github"):] or "/"
    if path == "/graphql":
        return _graphql(req) if req.method == "POST" else _message(404, "Not Found")
    if req.method != "GET":
        return _message(404, "Not Found")
    if path == "/rate_limit":
        return _rate_limit(req)
    if (wait := _secondary(req.base_url)) is not None:
        return _message(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you "
                        "try again.", {"retry-after": str(wait)})
    headers, quota, allowed = _book(req.base_url, "core")
    if not allowed:
        return _message(403, "API rate limit exceeded for 127.0.0.1. (Sandbox: fictional GitHub.)", headers)
    m = REPO_PATH.match(path)
    repo = github_world.lookup(req.world, m.group(1), m.group(2), req.date) if m else None
    if repo is None:
        return _message(404, "Not Found", headers)
    if f"{m.group(1)}/{m.group(2)}".lower() != repo.current.lower():
        location = f"{req.base_url}/github/repos/{repo.current}{m.group(3) or ''}"
        if req.query:
            location += "?" + urlencode({k: v[-1] for k, v in req.query.items()})
        return Response(301, {"message": "Moved Permanently", "url": location, "documentation_url": DOCS},
                        {**headers, "Location": location})
    if m.group(3):
        return _stargazers(req, repo, headers)
    return Response(200, _repo_json(req, repo), headers)


def _message(status: int, message: str, headers: dict | None = None) -> Response:
    return Response(status, {"message": message, "documentation_url": DOCS}, headers or {})


def _counts(req: Request, repo: github_world.Repo) -> dict:
    """Stars and the figures that follow from them, as seen on the sandbox date."""
    stars = github_world.stars_on(req.world, repo, req.date)
    pushed = min(req.date - dt.timedelta(days=repo.number % 9 + (200 if repo.archived else 0)),
                 req.date)
    return {"stars": stars, "forks": stars // 8, "subscribers": stars // 60 + 2,
            "open_issues": stars // 40 + repo.number % 7, "pushed": max(pushed, repo.created)}


def _repo_json(req: Request, repo: github_world.Repo) -> dict:
    """GET /repos/{owner}/{repo} in GitHub's shape."""
    c = _counts(req, repo)
    owner, name = repo.current.split("/", 1)
    return {
        "id": repo.number, "node_id": f"R_sandbox{repo.number}", "name": name, "full_name": repo.current,
        "owner": {"login": owner, "id": repo.number}, "private": False, "fork": False, "language": "Python",
        "description": "Fictional sandbox repository (not real GitHub data)",
        "html_url": f"https://github.com/{repo.current}", "forks_count": c["forks"], "stargazers_count": c["stars"],
        "watchers_count": c["stars"], "size": 100 + c["stars"] % 5000, "default_branch": "main",
        "open_issues_count": c["open_issues"], "is_template": False, "topics": ["llm", "sandbox"],
        "archived": repo.archived, "disabled": False, "visibility": "public",
        "pushed_at": f"{c['pushed']}T12:00:00Z", "created_at": f"{repo.created}T09:00:00Z",
        "updated_at": f"{c['pushed']}T12:00:00Z", "forks": c["forks"], "open_issues": c["open_issues"],
        "watchers": c["stars"], "subscribers_count": c["subscribers"],
    }


def _int_param(req: Request, name: str, default: int) -> int | None:
    values = req.query.get(name)
    if not values:
        return default
    return int(values[-1]) if values[-1].isdigit() else None


def _stargazers(req: Request, repo: github_world.Repo, headers: dict) -> Response:
    """GET /repos/{o}/{r}/stargazers with Link pagination; starred_at only with the star+json Accept."""
    per_page, page = _int_param(req, "per_page", 30), _int_param(req, "page", 1)
    if per_page is None or page is None or page < 1:
        return _message(422, "Invalid request: per_page and page must be positive integers.", headers)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    if page > MAX_PAGES:
        return _message(422, "In order to keep the API fast for everyone, pagination is limited for this "
                        "resource. Check the rel=last link relation in the Link response header to see how far "
                        "back you can traverse.", headers)
    total = github_world.stars_on(req.world, repo, req.date)
    last = min(max(1, math.ceil(total / per_page)), MAX_PAGES)
    items = github_world.stargazers(req.world, repo, req.date, (page - 1) * per_page, per_page)
    users = [{"login": login, "id": zlib.crc32(login.encode()), "type": "User"} for _, login in items]
    if "application/vnd.github.star+json" in req.headers.get("accept", ""):
        body = [{"starred_at": f"{when:%Y-%m-%dT%H:%M:%SZ}", "user": u} for (when, _), u in zip(items, users,
                                                                                              strict=True)]
    else:
        body = users
    url = f"{req.base_url}/github/repos/{repo.current}/stargazers"
    links = [(p, rel) for p, rel in ((page + 1, "next"), (last, "last"), (1, "first"), (page - 1, "prev"))
             if (rel in ("next", "last") and page < last) or (rel in ("first", "prev") and page > 1)]
    link = ", ".join(f'<{url}?{urlencode({"per_page": per_page, "page": p})}>; rel="{rel}"' for p, rel in links)
    return Response(200, body, {**headers, **({"Link": link} if link else {})})


def _rate_limit(req: Request) -> Response:
    """GET /rate_limit: the current quotas; it does not count against them."""
    with _lock:
        now = time.time()
        out = {}
        for resource in ("core", "graphql"):
            q = _quotas.get((req.base_url, resource)) or Quota()
            used = q.used if now < q.reset_at else 0
            reset = math.ceil(q.reset_at if now < q.reset_at else now + q.window_s)
            out[resource] = {"limit": q.limit, "used": used, "remaining": q.limit - used, "reset": reset}
    return Response(200, {"resources": out, "rate": out["core"]})


def _graphql(req: Request) -> Response:
    """POST /graphql: aliased repository lookups; NOT_FOUND entries keep the other aliases' data."""
    if not req.headers.get("authorization", "").strip().lower().startswith(("bearer ", "token ")):
        return _message(401, "This endpoint requires you to be authenticated.")
    try:
        query = json.loads(req.body or b"{}").get("query")
    except (ValueError, AttributeError):
        query = None
    if not isinstance(query, str) or query.count("{") != query.count("}") or "{" not in query:
        return Response(200, {"errors": [{"message": "Parse error: the request body is not a valid GraphQL "
                                          "query", "locations": [{"line": 1, "column": 1}]}]})
    headers, quota, allowed = _book(req.base_url, "graphql")
    if not allowed:
        return Response(200, {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user "
                                          "ID 1. (Sandbox: fictional GitHub.)"}]}, headers)
    data, errors = {}, []
    for alias, owner, name in LOOKUP.findall(query):
        repo = github_world.lookup(req.world, owner, name, req.date)
        if repo is None:
            data[alias] = None
            errors.append({"type": "NOT_FOUND", "path": [alias], "locations": [{"line": 1, "column": 9}],
                           "message": f"Could not resolve to a Repository with the name '{owner}/{name}'."})
            continue
        c = _counts(req, repo)
        data[alias] = {"nameWithOwner": repo.current, "stargazerCount": c["stars"], "forkCount": c["forks"],
                       "watchers": {"totalCount": c["subscribers"]}, "issues": {"totalCount": c["open_issues"]},
                       "pullRequests": {"totalCount": 0}, "pushedAt": f"{c['pushed']}T12:00:00Z",
                       "createdAt": f"{repo.created}T09:00:00Z", "isArchived": repo.archived}
    if "rateLimit" in query:
        data["rateLimit"] = {"cost": 1, "limit": quota.limit, "remaining": int(headers["x-ratelimit-remaining"]),
                             "used": quota.used, "resetAt": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                          time.gmtime(quota.reset_at))}
    return Response(200, {"data": data, **({"errors": errors} if errors else {})}, headers)
