"""A threaded loopback HTTP server over a sandbox World, with a simulated clock and injected faults."""

import datetime as dt
import importlib
import json
import logging
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from collector.sandbox import faults as faults_mod
from collector.sandbox.routing import Request, Response

log = logging.getLogger(__name__)
SANDBOX_HEADER = ("X-Revealed-Sandbox", "fictional-data")
NOTE = "fictional data"
ROUTE_MODULES = ["collector.sandbox.routes_hub", "collector.sandbox.routes_github", "collector.sandbox.routes_bench",
                 "collector.sandbox.routes_channels"]


def _load_routes() -> list:
    """Route modules that exist in this tree (modules not written yet are skipped)."""
    loaded = []
    for name in ROUTE_MODULES:
        try:
            loaded.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return loaded


def _encode(body) -> tuple[bytes, str]:
    """Body bytes and content type for a route's response body."""
    if isinstance(body, bytes):
        return body, "application/json; charset=utf-8"
    if isinstance(body, str):
        return body.encode(), "text/plain; charset=utf-8"
    return json.dumps(body, ensure_ascii=False).encode(), "application/json; charset=utf-8"


class _Handler(BaseHTTPRequestHandler):
    """Hands every request to the SandboxServer that owns the listening socket."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes; don't wait on delayed ACKs

    def do_GET(self):  # noqa: N802 (http.server naming)
        self.server.sandbox.handle(self)

    do_POST = do_HEAD = do_GET  # noqa: N815

    def log_message(self, format, *args):  # noqa: A002 (signature of the base class)
        if self.server.sandbox.log_requests:
            log.info("%s %s", self.address_string(), format % args)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        """Quiet: dropped and reset connections are routine here."""
        log.debug("connection from %s ended with an error", client_address, exc_info=True)


class SandboxServer:
    """Serves a World over HTTP on loopback; start() runs it in a background thread."""

    def __init__(self, world, host: str = "127.0.0.1", port: int = 0, date: dt.date | None = None,
                 log_requests: bool = False):
        self.world = world
        self.date = date or world.today
        self.faults = faults_mod.Faults()
        self.log_requests = log_requests
        self.routes = _load_routes()
        self._host, self._port = host, port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._count_lock = threading.Lock()
        self._paths: list[str] = []

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:41234."""
        if self._httpd is None:
            raise RuntimeError("the sandbox server is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "SandboxServer":
        """Bind and serve in a daemon thread."""
        self._httpd = _HTTPServer((self._host, self._port), _Handler)
        self._httpd.sandbox = self
        for module in self.routes:  # state a route module keeps per base URL may be left by an earlier server
            if hasattr(module, "forget"):
                module.forget(self.url)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="sandbox-server",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def set_date(self, date: dt.date) -> None:
        """Move the simulated clock."""
        self.date = date

    def request_count(self, prefix: str = "") -> int:
        """Requests served so far whose path starts with prefix (control requests excluded)."""
        with self._count_lock:
            return sum(p.startswith(prefix) for p in self._paths)

    def handle(self, h: _Handler) -> None:
        """Answer one request: control endpoints, faults, then the first route module that answers."""
        parts = urlsplit(h.path)
        path = unquote(parts.path)
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        query = parse_qs(parts.query, keep_blank_values=True)
        if path.startswith("/_sandbox/"):
            return self._send(h, self._control(h.command, path, query))
        with self._count_lock:
            self._paths.append(path)
        fault = self.faults.take(path)
        if fault and fault.kind == "reset":
            return self._reset(h)
        if fault and fault.kind in faults_mod.BEFORE_ROUTE:
            return self._send(h, faults_mod.error_response(fault))
        if fault and fault.kind in faults_mod.DELAYS:
            self._stopping.wait(faults_mod.delay_seconds(fault))
        request = Request(h.command, path, query, {k.lower(): v for k, v in h.headers.items()}, body, self.url,
                          self.world, self.date)
        response = self._route(request)
        if fault and fault.kind in faults_mod.AFTER_ROUTE and response.status == 200:
            response = faults_mod.damage(fault, response, self.url + h.path)
        if fault and fault.kind in faults_mod.DATA:
            if response.status == 200:
                response = faults_mod.mess(fault, response)
            else:
                self.faults.put_back(fault)
        self._send(h, response)

    def _route(self, request: Request) -> Response:
        """The first route module whose prefix matches and which answers; 404 otherwise."""
        try:
            for module in self.routes:
                if request.path.startswith(module.PREFIXES):
                    response = module.handle(request)
                    if response is not None:
                        return response
        except Exception:
            log.exception("sandbox route failed for %s", request.path)
            return Response(500, {"error": "sandbox route failed"})
        return Response(404, {"error": f"Not found: {request.path}"})

    def _control(self, method: str, path: str, query: dict) -> Response:
        """GET /_sandbox/info, POST /_sandbox/clock?date=, POST /_sandbox/faults?kind=&count=&path=."""
        if path == "/_sandbox/info":
            return Response(200, {"sandbox": True, "note": NOTE, "seed": self.world.seed,
                                  "models": self.world.n_models, "date": self.date.isoformat()})
        if method != "POST":
            return Response(405, {"error": f"{path} expects POST"})
        try:
            if path == "/_sandbox/clock":
                self.set_date(dt.date.fromisoformat(query.get("date", [""])[0]))
                return Response(200, {"date": self.date.isoformat(), "note": NOTE})
            if path == "/_sandbox/faults":
                seconds = query.get("seconds", [None])[0]
                self.faults.add(query.get("kind", [""])[0], int(query.get("count", ["1"])[0]),
                                query.get("path", ["/api/models"])[0], float(seconds) if seconds else None,
                                query.get("field", ["downloads"])[0])
                return Response(200, {"pending": len(self.faults.pending())})
        except ValueError as exc:
            return Response(400, {"error": str(exc)})
        return Response(404, {"error": f"Not found: {path}"})

    def _send(self, h: _Handler, response: Response) -> None:
        """Write status, headers (always labelled as sandbox data) and body."""
        data, content_type = _encode(response.body)
        try:
            h.send_response(response.status)
            headers = {"Content-Type": content_type, **response.headers}
            for name, value in headers.items():
                h.send_header(name, value)
            h.send_header(*SANDBOX_HEADER)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            if h.command != "HEAD":
                h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("client went away before the response was written")

    @staticmethod
    def _reset(h: _Handler) -> None:
        """Drop the connection with a TCP reset, no response at all."""
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.close_connection = True
        h.connection.close()
