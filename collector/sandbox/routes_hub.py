"""Hugging Face Hub routes: /api/models (listing, cursor pagination), /api/models/{id}, model cards."""

import base64
import binascii
import json
import re
import threading
from urllib.parse import urlencode

import numpy as np

from collector.sandbox import world_api
from collector.sandbox.routing import Request, Response

PREFIXES = ("/api/models", "/")
MAX_LIMIT = 1000
SORTS = ("trendingScore", "downloads", "likes", "createdAt", "lastModified")
_README = re.compile(r"^/([^/]+)/([^/]+)/(?:raw|resolve)/main/README\.md$")
_PARAMS = re.compile(r"^(\d+(?:\.\d+)?)([kKmMbBtT]?)$")
_UNITS = {"": 1, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
_ORDER_LOCK = threading.Lock()
_CACHED_QUERIES = 32


class BadRequest(ValueError):
    """A query parameter the Hub would refuse (answered with 400)."""


def handle(req: Request) -> Response | None:
    """Answer Hub requests; None for paths this module does not serve."""
    try:
        if req.path == "/api/models":
            return _list(req)
        if req.path.startswith("/api/models/"):
            return _info(req, req.path[len("/api/models/"):])
        match = _README.match(req.path)
        if match:
            return _readme(req, f"{match.group(1)}/{match.group(2)}")
    except BadRequest as exc:
        return Response(400, {"error": str(exc)}, {"X-Error-Message": str(exc)})
    return None


def _not_found(repo_id: str, code: str = "RepoNotFound") -> Response:
    """404 the way huggingface_hub recognises it."""
    message = "Repository not found" if code == "RepoNotFound" else "Revision not found"
    return Response(404, {"error": message}, {"X-Error-Code": code, "X-Error-Message": f"{message}: {repo_id}"})


def _position(req: Request, repo_id: str) -> int | None:
    """Index of a model visible on the request's date, or None."""
    i = req.world.position(repo_id)
    if i is None or req.world.created_ordinal(i) > req.date.toordinal():
        return None
    return i


def _expand(req: Request, listing: bool) -> list[str] | None:
    """Requested expand values (expand and expand[] alike), validated."""
    values = req.query.get("expand", []) + req.query.get("expand[]", [])
    if not values:
        return None
    for value in values:
        if value not in world_api.EXPAND_VALUES:
            raise BadRequest(f"Invalid expand value {value!r}; expected one of: {', '.join(world_api.EXPAND_VALUES)}")
        if listing and value in world_api.INFO_ONLY:
            raise BadRequest(f"expand value {value!r} is only available on /api/models/{{repo_id}}, not the listing")
    return list(dict.fromkeys(values))


def _flag(req: Request, name: str) -> bool:
    """A boolean query flag (true/True/1)."""
    return req.query.get(name, ["false"])[-1].lower() in ("true", "1")


def _info(req: Request, rest: str) -> Response:
    """GET /api/models/{id}[/revision/{rev}]."""
    repo_id, _, revision = rest.partition("/revision/")
    i = _position(req, repo_id)
    if i is None:
        return _not_found(repo_id)
    expand = _expand(req, listing=False)
    item = req.world.api_model(i, req.date, expand)
    if revision and revision not in ("main", item.get("sha") or req.world.api_model(i, req.date, ["sha"])["sha"]):
        return _not_found(f"{repo_id}@{revision}", "RevisionNotFound")
    if expand is None:
        item["modelId"] = item["id"]
    return Response(200, item)


def _readme(req: Request, repo_id: str) -> Response:
    """The raw model card."""
    i = _position(req, repo_id)
    if i is None:
        return _not_found(repo_id)
    return Response(200, req.world.readme(i), {"Content-Type": "text/markdown; charset=utf-8"})


def _int(req: Request, name: str, default: int) -> int:
    """An integer query parameter."""
    raw = req.query.get(name, [str(default)])[-1]
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"{name}={raw!r} is not an integer") from None


def _sort_key(req: Request, sort: str) -> np.ndarray:
    """Values to sort every model by on the request's date."""
    w = req.world
    if sort == "downloads":
        return w.downloads_30d(req.date)
    if sort == "likes":
        return w.col["likes"]
    if sort == "trendingScore":
        return w.trending_score(req.date)
    created, modified = world_api.timestamps(w, None, req.date)
    return modified if sort == "lastModified" else created


def _mask(req: Request) -> np.ndarray | None:
    """Models passing filter (AND over tags), author, search, pipeline_tag and gated; None when unfiltered."""
    c = req.world.col
    masks = [world_api.tag_mask(c, t) for t in req.query.get("filter", []) + req.query.get("other", [])]
    if "author" in req.query:
        masks.append(c["author"] == req.query["author"][-1])
    for term in req.query.get("search", []):
        masks.append(req.world.models["id"].str.contains(term, case=False, regex=False).to_numpy())
    if "pipeline_tag" in req.query:
        masks.append(c["pipeline_tag"] == req.query["pipeline_tag"][-1])
    if "library" in req.query:
        masks.append(c["library_name"] == req.query["library"][-1])
    if "num_parameters" in req.query:
        low, high = _parameter_range(req.query["num_parameters"][-1])
        masks.append((c["params"] >= low) & (c["params"] <= high) & (c["params"] > 0))
    if "gated" in req.query:
        masks.append((c["gated"] != False) == _flag(req, "gated"))  # noqa: E712 (gated is False or a string)
    if not masks:
        return None
    return np.logical_and.reduce(masks)


def _parameter_range(spec: str) -> tuple[float, float]:
    """Bounds from a num_parameters value such as 'min:6B,max:128B'."""
    bounds = {"min": 0.0, "max": float("inf")}
    for part in spec.split(","):
        key, _, value = part.partition(":")
        match = _PARAMS.match(value.strip())
        if key.strip() not in bounds or not match:
            raise BadRequest(f"num_parameters={spec!r} is not understood; expected e.g. 'min:6B,max:128B'")
        bounds[key.strip()] = float(match.group(1)) * _UNITS[match.group(2).upper()]
    return bounds["min"], bounds["max"]


def _order(req: Request, sort: str, ascending: bool) -> np.ndarray:
    """Model indices in listing order for this query (cached per world, date and query)."""
    keys = ("filter", "other", "author", "search", "pipeline_tag", "library", "num_parameters", "gated")
    cache = req.world.query_cache
    cache_key = (req.date, sort, ascending, tuple((k, tuple(req.query.get(k, []))) for k in keys))
    with _ORDER_LOCK:
        if cache_key in cache:
            return cache[cache_key]
    mask = _mask(req)
    if sort == "downloads" and mask is None:
        order = req.world.listing_order(req.date)
    else:
        order = req.world.sorted_visible(req.date, _sort_key(req, sort), mask)
    if ascending:
        order = order[::-1]
    with _ORDER_LOCK:
        if len(cache) >= _CACHED_QUERIES:
            cache.pop(next(iter(cache)))
        cache[cache_key] = order
    return order


def _cursor(req: Request) -> int:
    """Offset carried by the opaque cursor."""
    raw = req.query.get("cursor", [""])[-1]
    if not raw:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(raw.encode()))["offset"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise BadRequest(f"cursor {raw!r} is not a cursor this server issued") from None
    if not isinstance(offset, int) or offset < 0:
        raise BadRequest(f"cursor {raw!r} is not a cursor this server issued")
    return offset


def _list(req: Request) -> Response:
    """GET /api/models: one page in listing order, with a Link to the next page while more remain."""
    sort = req.query.get("sort", ["trendingScore"])[-1]
    if sort not in SORTS:
        raise BadRequest(f"sort={sort!r} is not supported; expected one of: {', '.join(SORTS)}")
    direction = req.query.get("direction", ["-1"])[-1]
    if direction not in ("-1", "1"):
        raise BadRequest(f"direction={direction!r} is not supported; expected -1 or 1")
    limit = _int(req, "limit", MAX_LIMIT)
    if limit < 1:
        raise BadRequest(f"limit={limit} must be at least 1")
    limit = min(limit, MAX_LIMIT)
    expand = _expand(req, listing=True)
    if expand is not None:
        fields = expand
    else:
        fields = list(world_api.LIST_FULL if _flag(req, "full") else world_api.LIST_DEFAULT)
        fields += [f for f, flag in (("cardData", "cardData"), ("config", "config")) if _flag(req, flag)]
    order = _order(req, sort, direction == "1")
    offset = _cursor(req)
    page = order[offset:offset + limit]
    items = world_api.build_models(req.world, page, req.date, fields)
    if expand is None:
        for item in items:
            item["modelId"] = item["id"]
    headers = {}
    if offset + limit < len(order):
        params = [(k, v) for k, values in req.query.items() if k != "cursor" for v in values]
        cursor = base64.urlsafe_b64encode(json.dumps({"offset": offset + limit}).encode()).decode()
        headers["Link"] = f'<{req.base_url}/api/models?{urlencode(params + [("cursor", cursor)])}>; rel="next"'
    return Response(200, items, headers)
