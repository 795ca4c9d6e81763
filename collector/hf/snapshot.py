"""Archived Hub listings (CSV, JSON, JSON Lines) read into raw_hf_models rows and loaded as one as_of slice.

CSV layouts (../shared/data/README.md): a header with `id` and `downloads_30d`, and any of `author`, `likes`,
`pipeline_tag`, `library_name`, `created_at`, `license`, `base_model` (pipe-joined parents), `other_tags`
(pipe-joined) and `downloads_all_time`; other columns go to `payload`. A column the file lacks is NULL.
JSON and JSON Lines hold `/api/models` items, read with huggingface_hub's ModelInfo like the collector.
"""

import csv
import datetime as dt
import gzip
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import duckdb
from huggingface_hub.hf_api import ModelInfo

from collector.hf import listing as hf
from collector.http import RequestStats
from collector.result import CollectResult
from warehouse.runs import recorded_run

log = logging.getLogger(__name__)

REQUIRED = ("id", "downloads_30d")
STRINGS = ("author", "pipeline_tag", "library_name", "license")
COUNTS = {"downloads_30d": "downloads", "likes": "likes", "downloads_all_time": "downloads_all_time"}
KNOWN = {*REQUIRED, *STRINGS, *COUNTS, "created_at", "base_model", "other_tags"}
FORMATS = {".csv": "csv", ".csv.gz": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}


class SnapshotError(ValueError):
    """An archived listing that cannot be read; the message names the file, the line and what was expected."""


def endpoint_of(path: Path) -> str:
    """The collection_runs endpoint of an import: the file's absolute path as a file: URI."""
    return path.resolve().as_uri()


def import_snapshot(con: duckdb.DuckDBPyConnection, path: Path, as_of: dt.date) -> CollectResult:
    """Make the listing in `path` the as_of slice of raw_hf_models, as a recorded hf run (one transaction)."""
    if con.execute("SELECT bool_or(sandbox) FROM collection_runs").fetchone()[0]:
        raise SnapshotError(f"{path}: this warehouse holds sandbox (fictional) data, which a build would rank and "
                            "label as archived real data with it; expected a REVEALED_HOME without sandbox runs "
                            "(nothing was imported)")
    stats = RequestStats()
    with recorded_run(con, "hf", endpoint_of(path), as_of) as run:
        rows = read_snapshot(path)
        run.rows = hf.save_models(con, as_of, run.run_id, rows, stats=stats)
    log.info("hf %s: %d models imported from %s", as_of, run.rows, path)
    return CollectResult.of(run, stats)


def read_snapshot(path: Path) -> Iterator[dict]:
    """raw_hf_models rows (without as_of and run_id) from an archived listing, by the file's suffix."""
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix.lower() == ".gz" else path.suffix.lower()
    kind = FORMATS.get(suffix)
    if kind is None:
        raise SnapshotError(f"{path}: unknown file type {suffix!r}; expected one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise SnapshotError(f"{path}: no such file")
    return nonempty({"csv": csv_rows, "json": json_rows, "jsonl": jsonl_rows}[kind](path), path)


def nonempty(rows: Iterator[dict], path: Path) -> Iterator[dict]:
    """The rows, raising SnapshotError at the end when there were none (an empty file must not empty a date)."""
    seen = False
    for row in rows:
        seen = True
        yield row
    if not seen:
        raise SnapshotError(f"{path}: no models; expected at least one listing entry")


def csv_rows(path: Path) -> Iterator[dict]:
    """Rows of a CSV listing; line numbers count the header as line 1."""
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rt", newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise SnapshotError(f"{path}, line 1: expected a header with columns {', '.join(REQUIRED)}; "
                                f"missing {', '.join(missing)} (header: {','.join(header)!r})")
        for record in reader:
            where = f"{path}, line {reader.line_num}"
            surplus, short = record.pop(None, []), [k for k, v in record.items() if v is None]
            if surplus or short:
                raise SnapshotError(f"{where}: expected {len(header)} fields as in the header, "
                                    f"got {len(header) - len(short) + len(surplus)}")
            yield csv_row(record, where)


def csv_row(record: dict[str, str], where: str) -> dict:
    """One raw_hf_models row from a CSV record; empty fields are NULL."""
    value = {k: (v if v != "" else None) for k, v in record.items()}
    if not value["id"]:
        raise SnapshotError(f"{where}: expected a model id, got an empty 'id'")
    counts = {col: count(value.get(name), name, where, required=name == "downloads_30d")
              for name, col in COUNTS.items()}
    parents = None if "base_model" not in record else [p for p in (value["base_model"] or "").split("|") if p]
    tags = None
    if "other_tags" in record:
        tags = [t for t in (value["other_tags"] or "").split("|") if t]
        tags += [f"license:{value['license']}"] if value.get("license") else []
        tags += [f"base_model:{p}" for p in parents or []]
    extra = {k: v for k, v in value.items() if k not in KNOWN and v is not None}
    owner = value["id"].split("/", 1)[0] if "/" in value["id"] else None
    return {
        "id": value["id"], "author": value.get("author") or owner,
        "created_at": timestamp(value.get("created_at"), where), "last_modified": None,
        **counts, "trending_score": None,
        **{k: value.get(k) for k in ("pipeline_tag", "library_name", "license")}, "tags": tags,
        "params": None, "gated": None,
        "base_models": None if parents is None else [{"relation": None, "parent": p} for p in parents],
        "payload": json.dumps(extra, ensure_ascii=False, separators=(",", ":")),
    }


def count(text: str | None, name: str, where: str, required: bool = False) -> int | None:
    """A whole number of at least 0 from a CSV field; empty is NULL unless required."""
    if text is None and not required:
        return None
    try:
        n = int(text)
    except (TypeError, ValueError):
        n = -1
    if n < 0:
        raise SnapshotError(f"{where}: expected '{name}' to be a whole number of at least 0, got {text!r}")
    return n


def timestamp(text: str | None, where: str) -> dt.datetime | None:
    """A naive UTC timestamp from an ISO 8601 field (empty is NULL)."""
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise SnapshotError(f"{where}: expected 'created_at' to be an ISO 8601 date-time, got {text!r}") from None
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


def jsonl_rows(path: Path) -> Iterator[dict]:
    """Rows of a JSON Lines file, one `/api/models` item a line (blank lines skipped)."""
    with path.open(encoding="utf-8-sig") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                yield item_row(decode(line, path, number), f"{path}, line {number}")


def json_rows(path: Path) -> Iterator[dict]:
    """Rows of a JSON file: an array of `/api/models` items, or one item."""
    text = path.read_text(encoding="utf-8-sig")
    data = decode(text, path, 1)
    items = data if isinstance(data, list) else [data]
    starts = item_lines(text) if isinstance(data, list) else [1 + len(text) - len(text.lstrip())]
    for item, line in zip(items, starts, strict=True):
        yield item_row(item, f"{path}, line {line}")


def decode(text: str, path: Path, first_line: int):
    """Parsed JSON, or SnapshotError naming the line where it stops being JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{path}, line {first_line + exc.lineno - 1}: expected JSON ({exc.msg})") from None


def item_lines(text: str) -> list[int]:
    """The line each element of a top-level JSON array starts on."""
    decoder, lines = json.JSONDecoder(), []
    at = text.index("[") + 1
    while True:
        while text[at] in " \t\r\n,":
            at += 1
        if text[at] == "]":
            return lines
        lines.append(text.count("\n", 0, at) + 1)
        at = decoder.raw_decode(text, at)[1]


def item_row(item, where: str) -> dict:
    """One raw_hf_models row from an `/api/models` item, checked and mapped as the collector does."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
        raise SnapshotError(f"{where}: expected an /api/models item, a JSON object with a string 'id', "
                            f"got {json.dumps(item)[:80]}")
    try:
        info = ModelInfo(**item)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise SnapshotError(f"{where}: expected an /api/models item ({type(exc).__name__}: {exc})") from None
    if wrong := hf.problem(info, where):
        raise SnapshotError(wrong)
    row = hf.to_row(info)
    if row["base_models"] is not None:
        row["base_models"] += untyped_parents(info.tags, row["base_models"])
    return row


def untyped_parents(tags: list[str], typed: list[dict]) -> list[dict]:
    """Parents named by `base_model:<id>` tags (no relation, as in 2024) that no typed tag names: relation NULL."""
    known = {b["parent"] for b in typed}
    found = []
    for tag in tags:
        kind, _, parent = tag.partition(":")
        if kind == "base_model" and parent and parent.split(":", 1)[0] not in hf.RELATIONS and parent not in known:
            known.add(parent)
            found.append({"relation": None, "parent": parent})
    return found
