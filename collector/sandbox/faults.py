"""Injected failures for the sandbox server: rate limits, server errors, slowness, broken bodies, schema drift and
messy upstream data (short, long, mistyped or duplicated rows, renamed or missing columns, empty releases)."""

import copy
import csv
import io
import json
import threading
from dataclasses import dataclass

from collector.sandbox.routing import Response

# Answered instead of the route: the request never reaches the world.
BEFORE_ROUTE = ("429", "500", "503", "reset")
# Delay, then answer normally.
DELAYS = {"slow": 2.0, "timeout": 15.0}
# The route answers, then the answer is damaged.
AFTER_ROUTE = ("malformed", "truncated", "missing_field", "extra_field", "null_field", "mistyped_field",
               "duplicate_page", "out_of_order")
# The route answers, then one row or column of its data is made messy, as real upstream files are: a row is a CSV
# line or an entry of a JSON list (a listing page, LiveCodeBench's performances, a repository object).
DATA = ("short_row", "long_row", "mistyped_row", "duplicate_row", "renamed_column", "missing_column",
        "missing_key_column", "empty_release", "unknown_task")
KINDS = (*BEFORE_ROUTE, *DELAYS, *AFTER_ROUTE, *DATA)
DATA_ROW = 1  # the row a row fault hits: the second one (the first when there is only one)


@dataclass
class Fault:
    """One pending fault: what, how many more times, and for which paths."""

    kind: str
    count: int
    path_prefix: str
    seconds: float | None = None
    field: str = "downloads"


class Faults:
    """Thread-safe queue of faults; each matching request consumes one."""

    def __init__(self):
        self._pending: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, kind: str, count: int = 1, path_prefix: str = "/api/models", seconds: float | None = None,
            field: str = "downloads") -> None:
        """Fail the next `count` requests under path_prefix with `kind` (seconds: wait for 429/slow/timeout)."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {', '.join(KINDS)}")
        if count < 1:
            raise ValueError(f"fault count {count!r} must be at least 1")
        with self._lock:
            self._pending.append(Fault(kind, count, path_prefix, seconds, field))

    def take(self, path: str) -> Fault | None:
        """The first pending fault matching path, with one use consumed."""
        with self._lock:
            for fault in self._pending:
                if path.startswith(fault.path_prefix):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._pending.remove(fault)
                    return fault
        return None

    def put_back(self, fault: Fault) -> None:
        """Return one use of a fault taken by a request it could not apply to (a data fault on a 404 or redirect)."""
        with self._lock:
            fault.count += 1
            if fault not in self._pending:
                self._pending.insert(0, fault)

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._pending.clear()

    def pending(self) -> list[Fault]:
        """A copy of the pending faults."""
        with self._lock:
            return list(self._pending)


def error_response(fault: Fault) -> Response:
    """The response for a BEFORE_ROUTE fault other than 'reset'."""
    if fault.kind == "429":
        wait = int(fault.seconds if fault.seconds is not None else 1)
        headers = {"Retry-After": str(wait), "RateLimit": f'"api";r=0;t={wait}',
                   "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}
        message = f"429 Too Many Requests: you have reached your 'api' rate limit (sandbox fault, retry after {wait}s)"
        return Response(429, {"error": message}, headers)
    status = int(fault.kind)
    text = "Internal Server Error" if status == 500 else "Service Unavailable"
    return Response(status, {"error": f"{text} (sandbox fault)"})


def delay_seconds(fault: Fault) -> float:
    """How long a 'slow' or 'timeout' fault holds the request."""
    return fault.seconds if fault.seconds is not None else DELAYS[fault.kind]


def damage(fault: Fault, response: Response, own_url: str) -> Response:
    """Apply an AFTER_ROUTE fault to a route's response."""
    body = response.body
    if fault.kind == "malformed":
        return Response(200, b'[{"id": "sandbox-malformed", "downloads": }', response.headers)
    if fault.kind == "truncated":
        raw = body if isinstance(body, bytes) else body.encode() if isinstance(body, str) else json.dumps(body).encode()
        return Response(response.status, raw[: max(1, len(raw) // 2)], response.headers)
    items = body if isinstance(body, list) else [body] if isinstance(body, dict) else []
    if fault.kind == "out_of_order":
        body = list(reversed(items)) if isinstance(body, list) else body
    elif fault.kind == "duplicate_page":
        if "Link" in response.headers:
            response.headers["Link"] = f'<{own_url}>; rel="next"'
        elif isinstance(body, list):
            body = items + items
    else:
        for item in items:
            _drift(fault, item)
    return Response(response.status, body, response.headers)


def _drift(fault: Fault, item: dict) -> None:
    """Schema drift on one JSON object, in place."""
    if fault.kind == "missing_field":
        item.pop(fault.field, None)
    elif fault.kind == "extra_field":
        item["sandboxUnexpectedField"] = {"note": "schema drift injected by the sandbox"}
    elif fault.kind == "null_field":
        item[fault.field] = None
    elif fault.kind == "mistyped_field":
        item[fault.field] = str(item.get(fault.field))


def mess(fault: Fault, response: Response) -> Response:
    """Apply a DATA fault to a copy of a route's response: CSV text, a JSON list or object, or LiveCodeBench's file."""
    body = copy.deepcopy(response.body)  # routes may answer from a cache
    if isinstance(body, str):
        return Response(response.status, _mess_csv(fault.kind, body), response.headers)
    if fault.kind == "unknown_task" and isinstance(body, dict):
        first = next(iter(body))
        body = {**body, first: [*body[first], "sandbox_unknown_task"]}
    elif fault.kind == "empty_release":  # and no next page
        body = {**body, "performances": []} if isinstance(body, dict) and "performances" in body else []
        return Response(response.status, body, {k: v for k, v in response.headers.items() if k != "Link"})
    else:
        _mess_rows(fault, body["performances"] if isinstance(body, dict) and "performances" in body
                   else body if isinstance(body, list) else [body])
    return Response(response.status, body, response.headers)


def _mess_rows(fault: Fault, rows: list) -> None:
    """A row fault on JSON entries, in place; column faults act on `fault.field` of every entry."""
    at = min(DATA_ROW, len(rows) - 1)
    if fault.kind == "short_row":
        rows[at].pop(fault.field, None)
    elif fault.kind == "long_row":
        rows[at]["sandboxUnexpectedField"] = "an extra value injected by the sandbox"
    elif fault.kind == "mistyped_row":
        rows[at][fault.field] = f"{rows[at].get(fault.field)} (mistyped by the sandbox)"
    elif fault.kind == "duplicate_row":
        rows.append(dict(rows[0]))
    elif fault.kind in ("renamed_column", "missing_column", "missing_key_column"):
        for row in rows:
            value = row.pop(fault.field, None)
            if fault.kind == "renamed_column":
                row[f"{fault.field}_renamed"] = value


def _mess_csv(kind: str, text: str) -> str:
    """A DATA fault on a CSV table: row faults on the second data row, column faults on the last (or key) column."""
    if kind == "empty_release":
        return ""
    lines = list(csv.reader(io.StringIO(text)))
    header, rows = lines[0], lines[1:]
    at = min(DATA_ROW, len(rows) - 1)
    if kind == "short_row":
        rows[at] = rows[at][:-3]
    elif kind == "long_row":
        rows[at] = [*rows[at], "77", "88"]
    elif kind == "mistyped_row":
        rows[at][-1] = "n/a"
    elif kind == "duplicate_row":
        rows.append(rows[0])
    elif kind == "renamed_column":
        header[-1] += "_renamed"
    elif kind == "missing_column":
        header, rows = header[:-1], [r[:-1] for r in rows]
    elif kind == "missing_key_column":
        header[0] = "sandbox_renamed_key"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue()
