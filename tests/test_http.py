"""collector.http against a scripted HTTP server on loopback: retries, pacing, redaction, the hub session."""

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from huggingface_hub import HfApi

from collector import http
from collector.http import RequestStats

TOKEN = "hf_secretTOKEN123"


class Script:
    """Per-path queues of (status, headers, body, delay) answers; the last one repeats."""

    def __init__(self):
        self.answers: dict[str, list] = {}
        self.seen: list[tuple[str, str, dict, bytes]] = []

    def add(self, path, status=200, headers=None, body=b"{}", delay=0.0):
        self.answers.setdefault(path, []).append((status, headers or {}, body, delay))


def _handler(script: Script):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            script.seen.append((self.command, self.path, dict(self.headers), body))
            queue = script.answers.get(self.path.split("?")[0]) or [(404, {}, b'{"error": "nope"}', 0)]
            status, headers, out, delay = queue.pop(0) if len(queue) > 1 else queue[0]
            time.sleep(delay)
            out = out if isinstance(out, bytes) else json.dumps(out).encode()
            self.send_response(status)
            for k, v in {"Content-Type": "application/json", **headers}.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        do_GET = do_POST = _answer

    return Handler


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that timed out and left is expected here


@pytest.fixture
def server():
    script = Script()
    srv = QuietServer(("127.0.0.1", 0), _handler(script))
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    script.url = f"http://127.0.0.1:{srv.server_address[1]}"
    yield script
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def waits(monkeypatch):
    """Record the waits the module asks for instead of sleeping through them."""
    recorded: list[float] = []
    monkeypatch.setattr(http, "sleep", recorded.append)
    return recorded


def test_get_returns_2xx_and_404_and_raises_on_other_errors(server, waits):
    server.add("/ok", body={"a": 1})
    server.add("/bad", status=400)
    client = http.HttpClient(server.url)
    assert client.get("/ok").json() == {"a": 1}
    assert client.get("missing").status_code == 404
    with pytest.raises(http.HttpError, match=r"GET http://127\.0\.0\.1:\d+/bad answered HTTP 400; expected 2xx or 404"):
        client.get("/bad")
    assert client.stats.requests == 3 and client.stats.retries == 0 and waits == []


def test_429_and_5xx_are_retried_honouring_the_headers(server, waits):
    server.add("/r", status=429, headers={"Retry-After": "7"})
    server.add("/r", status=429, headers={"RateLimit": '"api";r=0;t=30'})
    server.add("/r", status=503)
    server.add("/r", status=200, body=[1, 2])
    stats = RequestStats()
    client = http.HttpClient(server.url, stats=stats)
    assert client.get("/r").json() == [1, 2]
    assert waits == [7.0, 30.0, 4.0]  # Retry-After, RateLimit t=, then the third backoff step
    assert stats.requests == 4 and stats.retries == 3


def test_github_style_403_rate_limit_waits_until_reset(server, waits):
    reset = int(time.time()) + 20
    server.add("/gh", status=403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)})
    server.add("/gh", status=200)
    client = http.HttpClient(server.url)
    assert client.get("/gh").status_code == 200
    assert 15 < waits[0] <= 20


def test_exhausted_retries_raise_naming_url_status_and_attempts(server, waits):
    server.add("/down", status=500)
    client = http.HttpClient(server.url, max_retries=2)
    with pytest.raises(http.HttpError, match=r"GET .*/down failed after 3 attempts \(last: HTTP 500\)"):
        client.get("/down")
    assert client.stats.requests == 3 and client.stats.retries == 2
    assert waits == [1.0, 2.0]


def test_unreachable_endpoint_is_a_clear_error(waits):
    client = http.HttpClient("http://127.0.0.1:9", max_retries=1, timeout=2)
    with pytest.raises(http.HttpError, match=r"GET http://127\.0\.0\.1:9/x failed after 2 attempts \(last: Connection"):
        client.get("x")


def test_timeouts_are_retried(server, waits):
    server.add("/slow", delay=1.0)
    server.add("/slow", body={"fast": True})
    client = http.HttpClient(server.url, timeout=0.2)
    assert client.get("/slow").json() == {"fast": True}
    assert client.stats.retries == 1


def test_token_only_in_authorization_header_never_in_messages_or_logs(server, waits, caplog):
    caplog.set_level(logging.DEBUG)
    server.add("/auth", status=502)
    client = http.HttpClient(server.url, token=TOKEN, max_retries=1)
    with pytest.raises(http.HttpError) as err:
        client.get("/auth", params={"q": "x"})
    assert server.seen[0][2]["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in str(err.value)
    assert TOKEN not in caplog.text and "retry 1/1" in caplog.text


def test_pacing_waits_are_counted(server):
    server.add("/p")
    stats = RequestStats()
    client = http.HttpClient(server.url, calls_per_window=2, window_s=0.2, stats=stats)
    for _ in range(6):
        client.get("/p")
    # six calls at two per window need at least two waits; scheduling jitter can add up to two more
    assert 2 <= stats.extra["pacing_waits"] <= 4
    assert stats.requests == 6


def test_pacing_rejects_an_empty_window():
    with pytest.raises(ValueError, match="at least 1 call per positive window, got 0 per 300s"):
        http.HttpClient("http://x", calls_per_window=0)


def test_sandbox_flag_and_post_json(server, waits):
    server.add("/gql", headers={http.SANDBOX_HEADER: http.SANDBOX_VALUE}, body={"data": {}})
    client = http.HttpClient(server.url)
    assert not client.sandbox
    assert client.post_json("/gql", {"query": "{ x }"}).json() == {"data": {}}
    assert json.loads(server.seen[0][3]) == {"query": "{ x }"}
    assert client.sandbox


def test_hub_session_paces_retries_and_counts_huggingface_hub_calls(server, waits):
    item = {"id": "org/m", "downloads": 5}
    server.add("/api/models", status=503)
    server.add("/api/models", body=[item], headers={http.SANDBOX_HEADER: http.SANDBOX_VALUE})
    stats = RequestStats()
    meter = http.Meter(stats)
    with http.hub_session(meter):
        models = list(HfApi(endpoint=server.url, token=False).list_models(sort="downloads"))
    assert [m.id for m in models] == ["org/m"]
    assert stats.requests == 2 and stats.retries == 1 and meter.sandbox


def test_hub_session_applies_a_timeout_huggingface_hub_leaves_unset(server, waits):
    server.add("/api/models/org/m", delay=1.0)
    meter = http.Meter(max_retries=1, timeout=0.2)
    with http.hub_session(meter), pytest.raises(http.HttpError, match="ReadTimeout"):
        HfApi(endpoint=server.url, token=False).model_info("org/m")
    assert meter.stats.requests == 2


def test_retrying_retries_model_info(server, waits):
    server.add("/api/models/org/m", status=429, headers={"Retry-After": "1"})
    server.add("/api/models/org/m", body={"id": "org/m", "childrenModelCount": 3})
    stats = RequestStats()
    info = http.retrying(lambda: HfApi(endpoint=server.url, token=False).model_info("org/m"), stats)
    assert info.children_model_count == 3
    assert stats.retries == 1 and waits == [1.0]


def test_one_hub_session_at_a_time_and_retrying_inside_one_uses_it(server, waits):
    server.add("/api/models/org/m", status=503)
    server.add("/api/models/org/m", body={"id": "org/m"})
    outer, inner = RequestStats(), RequestStats()
    with http.hub_session(http.Meter(outer)):
        with pytest.raises(RuntimeError, match="already open"), http.hub_session(http.Meter()):
            pass
        info = http.retrying(lambda: HfApi(endpoint=server.url, token=False).model_info("org/m"), inner)
    assert info.id == "org/m"
    assert (outer.requests, outer.retries, inner.requests) == (2, 1, 0)
