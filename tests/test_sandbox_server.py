"""The sandbox server over loopback HTTP: the Hub contract through the real client, faults, clock, CLI."""

import datetime as dt
import json
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import quote

import numpy as np
import pytest
import requests
from huggingface_hub import HfApi
from huggingface_hub.errors import BadRequestError, HfHubHTTPError, RepositoryNotFoundError

from collector.sandbox import routes_hub
from collector.sandbox.server import SandboxServer

TIMEOUT = 10


def _get(sandbox, path: str, **kwargs) -> requests.Response:
    return requests.get(sandbox.url + path, timeout=kwargs.pop("timeout", TIMEOUT), **kwargs)


@pytest.fixture
def api(sandbox) -> HfApi:
    return HfApi(endpoint=sandbox.url, token=False)


def test_full_page_walk_through_the_client_equals_the_world(sandbox, api, world, monkeypatch):
    monkeypatch.setattr(routes_hub, "MAX_LIMIT", 40)
    items = list(api.list_models(sort="downloads", expand=["downloads", "downloadsAllTime"]))
    order = world.listing_order(sandbox.date)
    assert [m.id for m in items] == world.models["id"].to_numpy()[order].tolist()
    assert [m.downloads for m in items] == world.downloads_30d(sandbox.date)[order].tolist()
    assert [m.downloads_all_time for m in items] == world.downloads_all_time(sandbox.date)[order].tolist()
    assert sandbox.request_count("/api/models") == -(-len(order) // 40)


def test_link_header_is_absolute_and_carries_the_query(sandbox):
    r = _get(sandbox, "/api/models", params=[("limit", "5"), ("filter", "region:us"), ("sort", "likes")])
    assert r.status_code == 200 and len(r.json()) == 5
    nxt = r.links["next"]["url"]
    assert nxt.startswith(sandbox.url + "/api/models?") and "filter=region%3Aus" in nxt and "cursor=" in nxt
    second = requests.get(nxt, timeout=TIMEOUT).json()
    assert not {m["id"] for m in second} & {m["id"] for m in r.json()}
    likes = [m["likes"] for m in r.json() + second]
    assert likes == sorted(likes, reverse=True)
    assert "direction" not in nxt and _get(sandbox, "/api/models?limit=3&direction=-1").status_code == 200


def test_limit_is_capped_and_bad_parameters_are_refused(sandbox, monkeypatch):
    monkeypatch.setattr(routes_hub, "MAX_LIMIT", 20)
    r = _get(sandbox, "/api/models?limit=5000")
    assert len(r.json()) == 20 and "limit=5000" in r.links["next"]["url"]
    for query, word in [("limit=abc", "'abc'"), ("sort=stars", "'stars'"), ("cursor=zzz", "'zzz'"),
                        ("expand=bogus", "'bogus'"), ("expand[]=childrenModelCount", "childrenModelCount")]:
        r = _get(sandbox, f"/api/models?{query}")
        assert r.status_code == 400 and word in r.json()["error"], query


def test_sorts_directions_filters_search_author(sandbox, api, world):
    for sort in routes_hub.SORTS:
        items = list(api.list_models(sort=sort, limit=50, expand=[sort] if sort != "downloads" else ["downloads"]))
        values = [getattr(m, {"trendingScore": "trending_score", "createdAt": "created_at",
                              "lastModified": "last_modified"}.get(sort, sort)) for m in items]
        assert values == sorted(values, reverse=True), sort
    up = _get(sandbox, "/api/models?sort=likes&direction=1&limit=20&expand=likes").json()
    assert [m["likes"] for m in up] == sorted(m["likes"] for m in up)
    child = world.models[world.models["relation"] == "finetune"].iloc[0]
    tag = f"base_model:finetune:{child['parent']}"
    found = list(api.list_models(filter=[tag, "region:us"], expand=["tags"]))
    assert child["id"] in {m.id for m in found} and all(tag in m.tags for m in found)
    assert not list(api.list_models(filter=[tag, "license:no-such-license"]))
    author = child["author"]
    assert {m.author for m in api.list_models(author=author, expand=["author"])} == {author}
    word = child["id"].split("/")[1][:5].lower()
    assert all(word in m.id.lower() for m in api.list_models(search=word)) and list(api.list_models(search=word))


def test_parameter_library_and_gated_filters(sandbox, api, world):
    m = world.models.set_index("id")
    sized = list(api.list_models(num_parameters="min:6B,max:20B", expand=["safetensors"]))
    assert sized and all(6e9 <= m.loc[x.id, "params"] <= 20e9 for x in sized)
    gguf = {x["id"] for x in _get(sandbox, "/api/models?library=gguf").json()}
    assert gguf and gguf == set(
        m.index[(m["library_name"] == "gguf") & (m["created"] <= sandbox.date)])
    assert all(m.loc[x.id, "gated"] for x in api.list_models(gated=True)) and list(api.list_models(gated=True))
    r = _get(sandbox, "/api/models?num_parameters=lots")
    assert r.status_code == 400 and "'lots'" in r.json()["error"]


def test_expand_returns_only_the_asked_fields(sandbox, api, world):
    item = _get(sandbox, "/api/models?limit=3&expand[]=author&expand=likes").json()[0]
    assert set(item) == {"_id", "id", "author", "likes"}
    info = _get(sandbox, f"/api/models/{item['id']}?expand=downloads").json()
    assert set(info) == {"_id", "id", "downloads"}
    with pytest.raises(BadRequestError):
        list(api.list_models(expand=["nonsense"]))
    with pytest.raises(BadRequestError):
        api.model_info(item["id"], expand=["nonsense"])


def test_default_and_full_listing_fields(sandbox):
    item = _get(sandbox, "/api/models?limit=1").json()[0]
    assert {"id", "_id", "modelId", "downloads", "likes", "tags", "createdAt", "trendingScore"} <= set(item)
    assert "siblings" not in item and "downloadsAllTime" not in item
    full = _get(sandbox, "/api/models?limit=1&full=true&cardData=true").json()[0]
    assert {"siblings", "sha", "author", "lastModified", "cardData"} <= set(full)


def test_model_info_shape_through_the_client(sandbox, api, world):
    m = world.models
    merge = m[m["relation"] == "merge"]
    i = int((merge if len(merge) else m[m["relation"].notna()]).index[0])
    info = api.model_info(m["id"][i], expand=["baseModels", "childrenModelCount", "tags", "cardData", "safetensors",
                                              "downloads", "createdAt", "gated"])
    parents = [p for p in (m["parent"][i], m["parent2"][i]) if p]
    assert [b["id"] for b in info.base_models["models"]] == parents
    assert all(f"base_model:{m['relation'][i]}:{p}" in info.tags for p in parents)
    assert info.card_data.base_model == (parents if len(parents) > 1 else parents[0])
    assert info.created_at.date() == m["created"][i] and info.gated == m["gated"][i]
    root = int(np.argmax(world.downloads_30d(sandbox.date) * m["relation"].isna()))
    full = api.model_info(m["id"][root])
    assert full.safetensors.total == m["params"][root] and full.downloads == world.downloads_30d(sandbox.date)[root]
    kids = api.model_info(m["id"][root], expand=["childrenModelCount"]).children_model_count
    born = m["created"] <= sandbox.date
    assert kids == (((m["parent"] == m["id"][root]) | (m["parent2"] == m["id"][root])) & born).sum()
    assert api.model_info(m["id"][root], revision=full.sha).id == m["id"][root]
    with pytest.raises(HfHubHTTPError):
        api.model_info(m["id"][root], revision="no-such-revision")


def test_unknown_id_is_repository_not_found(sandbox, api):
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("nobody/no-such-model")
    r = _get(sandbox, "/api/models/nobody/no-such-model")
    assert r.status_code == 404 and r.headers["X-Error-Code"] == "RepoNotFound"


def test_odd_ids_round_trip(sandbox, api, world):
    ids = world.models["id"]
    born = world.models["created"] <= sandbox.date
    odd = ids[(ids.map(lambda s: not s.isascii()) | (ids.str.len() > 80) | ids.str.contains(".", regex=False)) & born]
    assert odd.map(lambda s: not s.isascii()).any() and (odd.str.len() > 80).any()
    listed = {m.id for m in api.list_models()}
    for repo_id in odd:
        assert repo_id in listed
        # The real client refuses non-ASCII ids (as the Hub does), so those go over plain HTTP, percent-encoded.
        info = api.model_info(repo_id) if repo_id.isascii() else _get(sandbox, f"/api/models/{quote(repo_id)}").json()
        assert (info.id if repo_id.isascii() else info["id"]) == repo_id
        card = _get(sandbox, f"/{quote(repo_id)}/raw/main/README.md")
        assert card.status_code == 200 and card.text.startswith("---\n")
        assert _get(sandbox, f"/{quote(repo_id)}/resolve/main/README.md").text == card.text


def test_clock_hides_future_models(sandbox, api, world):
    late = world.models.sort_values("created").iloc[-1]
    day = late["created"]
    sandbox.set_date(day - dt.timedelta(days=1))
    assert late["id"] not in {m.id for m in api.list_models()}
    with pytest.raises(RepositoryNotFoundError):
        api.model_info(late["id"])
    r = requests.post(f"{sandbox.url}/_sandbox/clock?date={day.isoformat()}", timeout=TIMEOUT)
    assert r.status_code == 200 and sandbox.date == day
    assert api.model_info(late["id"]).downloads == 0
    bad = requests.post(f"{sandbox.url}/_sandbox/clock?date=tomorrow", timeout=TIMEOUT)
    assert bad.status_code == 400 and "tomorrow" in bad.json()["error"]


def test_every_response_is_labelled_and_info_says_fictional(sandbox):
    for path in ["/api/models?limit=1", "/api/models/x/y", "/api/models?sort=bad", "/nowhere", "/_sandbox/info"]:
        assert _get(sandbox, path).headers["X-Revealed-Sandbox"] == "fictional-data", path
    info = _get(sandbox, "/_sandbox/info").json()
    assert info == {"sandbox": True, "note": "fictional data", "seed": 7, "models": 300,
                    "date": sandbox.date.isoformat()}


@pytest.mark.parametrize("kind,status", [("429", 429), ("500", 500), ("503", 503)])
def test_error_faults(sandbox, kind, status):
    sandbox.faults.add(kind, count=2)
    assert _get(sandbox, "/_sandbox/info").status_code == 200  # control paths are never faulted
    assert _get(sandbox, "/api/models?limit=1").status_code == status
    r = _get(sandbox, "/api/models?limit=1")
    assert r.status_code == status and r.headers["X-Revealed-Sandbox"] == "fictional-data"
    if kind == "429":
        assert r.headers["Retry-After"] == "1" and r.headers["RateLimit"] == '"api";r=0;t=1'
    assert _get(sandbox, "/api/models?limit=1").status_code == 200


def test_faults_apply_only_under_their_prefix(sandbox):
    sandbox.faults.add("500", path_prefix="/api/models/")
    assert _get(sandbox, "/api/models?limit=1").status_code == 200
    assert _get(sandbox, "/api/models/x/y").status_code == 500


def test_client_rides_out_a_429(sandbox, api, monkeypatch):
    monkeypatch.setattr(routes_hub, "MAX_LIMIT", 100)
    items = [m.id for m in api.list_models()]
    before = sandbox.request_count("/api/models")
    sandbox.faults.add("429", seconds=0)
    assert [m.id for m in api.list_models()] == items
    assert sandbox.request_count("/api/models") - before == -(-len(items) // 100) + 1


def test_slow_and_timeout_faults(sandbox):
    sandbox.faults.add("slow", seconds=0.5)
    t0 = time.monotonic()
    assert _get(sandbox, "/api/models?limit=1").status_code == 200
    assert time.monotonic() - t0 >= 0.5
    sandbox.faults.add("timeout", seconds=3)
    with pytest.raises(requests.Timeout):
        _get(sandbox, "/api/models?limit=1", timeout=0.5)


def test_server_answers_others_while_one_request_hangs(sandbox):
    sandbox.faults.add("slow", seconds=2, path_prefix="/api/models/")
    hung = threading.Thread(target=_get, args=(sandbox, "/api/models/a/b"))
    hung.start()
    time.sleep(0.1)
    t0 = time.monotonic()
    assert _get(sandbox, "/api/models?limit=1").status_code == 200
    assert time.monotonic() - t0 < 1.5
    hung.join()


def test_reset_fault_drops_the_connection(sandbox):
    sandbox.faults.add("reset")
    with pytest.raises(requests.ConnectionError):
        _get(sandbox, "/api/models?limit=1")
    assert _get(sandbox, "/api/models?limit=1").status_code == 200


@pytest.mark.parametrize("kind", ["malformed", "truncated"])
def test_broken_bodies(sandbox, kind):
    sandbox.faults.add(kind)
    r = _get(sandbox, "/api/models?limit=3")
    assert r.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.content)
    json.loads(_get(sandbox, "/api/models?limit=3").content)


def test_schema_drift_faults(sandbox):
    clean = _get(sandbox, "/api/models?limit=4&expand=downloads&expand=likes").json()
    expected = {"missing_field": lambda m, c: "downloads" not in m,
                "extra_field": lambda m, c: "sandboxUnexpectedField" in m and m["downloads"] == c["downloads"],
                "null_field": lambda m, c: m["downloads"] is None,
                "mistyped_field": lambda m, c: m["downloads"] == str(c["downloads"])}
    for kind, check in expected.items():
        sandbox.faults.add(kind)
        page = _get(sandbox, "/api/models?limit=4&expand=downloads&expand=likes").json()
        assert all(check(m, c) for m, c in zip(page, clean, strict=True)), kind
    sandbox.faults.add("null_field", field="likes")
    assert _get(sandbox, "/api/models?limit=4&expand=downloads&expand=likes").json()[0]["likes"] is None


def test_duplicate_page_and_out_of_order(sandbox, api, monkeypatch):
    monkeypatch.setattr(routes_hub, "MAX_LIMIT", 50)
    clean = [m.id for m in api.list_models()]
    sandbox.faults.add("duplicate_page", path_prefix="/api/models")
    seen = [m.id for m in api.list_models()]
    assert seen == clean[:50] + clean[:50] + clean[50:]
    sandbox.faults.add("out_of_order")
    page = _get(sandbox, "/api/models?limit=50").json()
    assert [m["id"] for m in page] == clean[:50][::-1]


def test_fault_control_over_http_and_bad_kinds(sandbox):
    r = requests.post(f"{sandbox.url}/_sandbox/faults?kind=503&count=1&path=/api/models", timeout=TIMEOUT)
    assert r.status_code == 200
    assert _get(sandbox, "/api/models?limit=1").status_code == 503
    bad = requests.post(f"{sandbox.url}/_sandbox/faults?kind=explode", timeout=TIMEOUT)
    assert bad.status_code == 400 and "'explode'" in bad.json()["error"]
    with pytest.raises(ValueError, match="'explode'"):
        sandbox.faults.add("explode")


def test_sandbox_serve_command_answers_info(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "sandbox", "serve", "--models", "200", "--port", "0",
                             "--seed", "3"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert "FICTIONAL" in line
        url = line.split(" ")[2]
        info = requests.get(f"{url}/_sandbox/info", timeout=TIMEOUT).json()
        assert info["sandbox"] is True and info["seed"] == 3 and info["models"] == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_server_as_context_manager_releases_the_port(world):
    with SandboxServer(world) as server:
        url = server.url
        assert requests.get(f"{url}/_sandbox/info", timeout=TIMEOUT).ok
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/_sandbox/info", timeout=2)
