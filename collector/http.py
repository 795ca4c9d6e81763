"""HTTP for every collector: sliding-window pacing, retries that honour rate-limit headers, token redaction."""

import datetime as dt
import email.utils
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx2
import huggingface_hub
import requests
from huggingface_hub import constants as hf_constants
from huggingface_hub.utils._http import default_client_factory

from warehouse.settings import redact

log = logging.getLogger(__name__)

SANDBOX_HEADER = "X-Revealed-Sandbox"
SANDBOX_VALUE = "fictional-data"
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
BASE_WAIT_S = 1.0
MAX_BACKOFF_S = 60.0        # cap of the exponential backoff
MAX_HEADER_WAIT_S = 900.0   # cap on a wait that a server asks for
RATELIMIT = re.compile(r";\s*r=(\d+)\s*;\s*t=(\d+)")
REQUESTS_TRANSIENT = (requests.Timeout, requests.ConnectionError)
HTTPX_TRANSIENT = (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError)

sleep = time.sleep  # the one place this module waits; tests may swap it


@dataclass
class RequestStats:
    """Counters the requests of a run update: attempts, retries, and extras such as pacing waits."""

    requests: int = 0
    retries: int = 0
    extra: dict = field(default_factory=dict)


_announced: set[str] = set()


def note_sandbox(endpoint: str) -> None:
    """Log, once per process and endpoint, that the endpoint is the revealed sandbox and serves fictional data."""
    shown = public_url(endpoint)
    if shown not in _announced:
        _announced.add(shown)
        log.info("%s is the revealed SANDBOX: everything collected from it is fictional", shown)


def public_url(url: str) -> str:
    """The URL as it may be logged or recorded: without any user:password part."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]))


class HttpError(Exception):
    """A request that failed for good; the message names the URL, the status and what was expected."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status  # the last HTTP status, None when the server never answered


def retry_wait(attempt: int, headers) -> float:
    """Seconds to wait before retry number attempt+1: what the server asked for, else capped exponential."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    asked = None
    if (value := headers.get("retry-after", "").strip()).isdigit():
        asked = float(value)
    elif value and (when := _http_date(value)) is not None:
        asked = (when - dt.datetime.now(dt.UTC)).total_seconds()
    elif (m := RATELIMIT.search(headers.get("ratelimit", ""))) and m.group(1) == "0":
        asked = float(m.group(2))
    elif headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset", "").isdigit():
        asked = float(headers["x-ratelimit-reset"]) - time.time()
    if asked is not None:
        return min(MAX_HEADER_WAIT_S, max(0.0, asked))
    return min(MAX_BACKOFF_S, BASE_WAIT_S * 2**attempt)


def _http_date(value: str) -> dt.datetime | None:
    """An HTTP-date as an aware datetime, or None when it is not one."""
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def is_retryable(status: int, headers) -> bool:
    """429/5xx/408, and GitHub's 403 that means 'rate limited'."""
    if status in RETRY_STATUSES:
        return True
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    return status == 403 and (lowered.get("x-ratelimit-remaining") == "0" or "retry-after" in lowered)


def describe(exc: BaseException) -> str:
    """Exception type plus its root cause in a few words, e.g. 'ConnectionError: Connection refused'."""
    cause: BaseException | None = exc
    for _ in range(8):
        if isinstance(cause, OSError) and cause.strerror:
            return f"{type(exc).__name__}: {cause.strerror}"
        inner = cause.args[0] if cause.args and isinstance(cause.args[0], BaseException) else None
        cause = getattr(cause, "reason", None) or inner or cause.__cause__ or cause.__context__
        if not isinstance(cause, BaseException):
            break
    return f"{type(exc).__name__}: {str(exc)[:200] or 'no detail'}"


class Pacer:
    """At most `calls` requests in any `window_s` seconds (a sliding window); share one per API quota."""

    def __init__(self, calls: int = 1000, window_s: float = 300):
        if calls < 1 or window_s <= 0:
            raise ValueError(f"pacing needs at least 1 call per positive window, got {calls} per {window_s}s")
        self.calls, self.window_s = calls, window_s
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def wait(self) -> bool:
        """Block until one more request fits in the window, book it, and say whether it had to wait."""
        with self._lock:
            now = time.monotonic()
            while self._sent and now - self._sent[0] >= self.window_s:
                self._sent.popleft()
            waited = len(self._sent) >= self.calls
            if waited:
                pause = self.window_s - (now - self._sent[0])
                log.debug("pacing: %d calls in %.0fs reached, waiting %.2fs", self.calls, self.window_s, pause)
                sleep(pause)
                self._sent.popleft()
            self._sent.append(time.monotonic())
            return waited


class Meter:
    """Pacing, retries, timeout, counters and the sandbox flag shared by all requests of one client."""

    def __init__(self, stats: RequestStats | None = None, calls_per_window: int = 1000, window_s: float = 300,
                 max_retries: int = 6, token: str | None = None, pacer: Pacer | None = None,
                 timeout: float = 30.0):
        self.stats = stats if stats is not None else RequestStats()
        self.timeout = timeout
        self.pacer = pacer or Pacer(calls_per_window, window_s)
        self.max_retries = max_retries
        self.sandbox = False
        self.last_url = ""
        self.token = token

    def redact(self, text: str) -> str:
        """The text with the token, if any, masked."""
        return redact(text, [self.token])

    def shown(self, url: str) -> str:
        """The URL as it may be logged, raised or recorded: token masked, no user:password part."""
        return public_url(self.redact(url))

    def send(self, send: Callable, method: str, url: str, transient: tuple):
        """Call send() until it answers something other than a retryable failure; count every attempt."""
        shown = self.shown(url)
        self.last_url = shown
        for attempt in range(self.max_retries + 1):
            if self.pacer.wait():
                self.stats.extra["pacing_waits"] = self.stats.extra.get("pacing_waits", 0) + 1
            self.stats.requests += 1
            status = None
            try:
                response = send()
            except transient as exc:
                problem, headers = self.redact(describe(exc)), {}
            else:
                status = response.status_code
                if response.headers.get(SANDBOX_HEADER) == SANDBOX_VALUE:
                    self.sandbox = True
                if not is_retryable(response.status_code, response.headers):
                    return response
                problem, headers = f"HTTP {response.status_code}", response.headers
                response.close()
            if attempt == self.max_retries:
                raise HttpError(f"{method} {shown} failed after {attempt + 1} attempts (last: {problem}); "
                                f"expected {'a 2xx answer' if headers else 'an HTTP answer'}", status)
            wait = retry_wait(attempt, headers)
            self.stats.retries += 1
            log.warning("%s %s: %s; retry %d/%d in %.1fs", method, shown, problem, attempt + 1,
                        self.max_retries, wait)
            sleep(wait)
        raise AssertionError("unreachable")


class HttpClient:
    """A paced, retrying JSON/HTTP client for one base URL."""

    def __init__(self, base_url: str, token: str | None = None, calls_per_window: int = 1000,
                 window_s: float = 300, max_retries: int = 6, timeout: float = 30.0,
                 stats: RequestStats | None = None):
        self.base_url = base_url.rstrip("/") + "/"
        self.meter = Meter(stats, calls_per_window, window_s, max_retries, token, timeout=timeout)
        self._session = requests.Session()
        if token:
            self._session.headers["Authorization"] = f"Bearer {token}"

    @property
    def sandbox(self) -> bool:
        """True once any response carried the sandbox header."""
        return self.meter.sandbox

    @property
    def stats(self) -> RequestStats:
        """Requests and retries made so far."""
        return self.meter.stats

    def get(self, path_or_url: str, params=None, headers=None) -> requests.Response:
        """GET; 2xx and 404 are returned, retryable failures retried, anything else raises HttpError."""
        return self._request("GET", path_or_url, params=params, headers=headers)

    def post_json(self, path_or_url: str, payload: dict, headers=None) -> requests.Response:
        """POST a JSON body, with the same policy as get()."""
        return self._request("POST", path_or_url, json=payload, headers=headers)

    def _request(self, method: str, path_or_url: str, **kwargs) -> requests.Response:
        url = urljoin(self.base_url, path_or_url.lstrip("/")) if "://" not in path_or_url else path_or_url
        response = self.meter.send(
            lambda: self._session.request(method, url, timeout=self.meter.timeout, **kwargs),
            method, url, REQUESTS_TRANSIENT,
        )
        if response.ok or response.status_code == 404:
            return response
        raise HttpError(f"{method} {self.meter.shown(response.url)} answered HTTP {response.status_code}; "
                        "expected 2xx or 404")


class _MeteredTransport(httpx2.BaseTransport):
    """httpx transport for huggingface_hub that applies a Meter and a timeout to every request."""

    def __init__(self, meter: Meter):
        self._inner = httpx2.HTTPTransport()
        self._meter = meter
        self._timeout = dict.fromkeys(("connect", "read", "write", "pool"), meter.timeout)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.extensions["timeout"] = self._timeout  # huggingface_hub sends timeout=None otherwise

        def send():
            response = self._inner.handle_request(request)
            response.read()  # inside the retry loop, so a reset or short body mid-transfer is retried
            return response

        return self._meter.send(send, request.method, str(request.url), HTTPX_TRANSIENT)

    def close(self) -> None:
        self._inner.close()


_open_sessions: list[Meter] = []  # huggingface_hub has one HTTP client per process, so one session at a time


@contextmanager
def hub_session(meter: Meter):
    """Route huggingface_hub's HTTP through `meter` (pacing, retries, timeout, counting), then restore.

    huggingface_hub's client is process-wide: one session at a time (a second one raises RuntimeError).
    """
    if _open_sessions:
        raise RuntimeError("a huggingface_hub session is already open in this process; run collections one by one")
    _open_sessions.append(meter)
    # Telemetry would fetch an agent registry from huggingface.co whatever the endpoint: keep runs to the endpoint.
    telemetry_off, hf_constants.HF_HUB_DISABLE_TELEMETRY = hf_constants.HF_HUB_DISABLE_TELEMETRY, True
    huggingface_hub.set_client_factory(
        lambda: httpx2.Client(transport=_MeteredTransport(meter), follow_redirects=True)
    )
    try:
        yield meter
    finally:
        huggingface_hub.set_client_factory(default_client_factory)
        hf_constants.HF_HUB_DISABLE_TELEMETRY = telemetry_off
        _open_sessions.clear()


def retrying(fn: Callable, stats: RequestStats, max_retries: int = 6):
    """Call fn() with huggingface_hub's HTTP paced and retried by this module's policy; return its result.

    Inside an open hub_session, that session's policy and counters already apply and fn() is simply called.
    fn must finish its HTTP before returning (not return a lazy listing); for a whole run open a hub_session.
    """
    if _open_sessions:
        return fn()
    with hub_session(Meter(stats, max_retries=max_retries)):
        return fn()


def observation_date(sandbox_date: dt.date | None = None) -> dt.date:
    """The day a collection observes: the sandbox clock's date (from probe_sandbox) when given, else today (UTC)."""
    return sandbox_date or dt.datetime.now(dt.UTC).date()


def probe_sandbox(endpoint: str, stats: RequestStats) -> dt.date | None:
    """The sandbox clock's date when the endpoint is the revealed sandbox (GET /_sandbox/info), else None.

    HttpError when nothing answers, or when the sandbox answers without a YYYY-MM-DD date.
    """
    client = HttpClient(endpoint, max_retries=1, timeout=10, stats=stats)
    response = client.get("/_sandbox/info")
    try:
        info = response.json() if response.status_code == 200 else {}
        if info.get("sandbox") is True or client.sandbox:
            return dt.date.fromisoformat(str(info.get("date")))
    except (ValueError, AttributeError) as exc:
        if client.sandbox:
            raise HttpError(f"{endpoint}/_sandbox/info: expected JSON with a YYYY-MM-DD 'date' ({exc})") from exc
    return None
