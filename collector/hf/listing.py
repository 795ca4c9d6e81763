"""Hugging Face model listing: fetch_models() pages /api/models by downloads, collect() loads one as_of slice."""

import datetime as dt
import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import islice

import duckdb
import pyarrow as pa
from huggingface_hub import HfApi
from huggingface_hub.hf_api import ModelInfo

from collector.hf import details as hf_details
from collector.http import (
    HttpError,
    Meter,
    RequestStats,
    hub_session,
    note_sandbox,
    observation_date,
    probe_sandbox,
    public_url,
)
from collector.result import CollectResult
from warehouse import load
from warehouse.runs import recorded_run
from warehouse.settings import Settings

log = logging.getLogger(__name__)

LIST_EXPAND = ["author", "createdAt", "lastModified", "downloads", "downloadsAllTime", "likes", "trendingScore",
               "pipeline_tag", "library_name", "tags", "gated", "safetensors", "gguf"]
MODEL_INFO_ATTRS = frozenset(vars(ModelInfo(id="-")))  # what huggingface_hub maps; the rest are extra fields
RELATIONS = frozenset({"finetune", "quantized", "adapter", "merge"})
PAGE_ROWS = 1000     # rows turned into one Arrow table at a time (the Hub's page size)
LOAD_ROWS = 20_000   # rows per INSERT: DuckDB's per-statement cost dominates below ~10k rows
SCHEMA = pa.schema([
    ("as_of", pa.date32()), ("run_id", pa.string()), ("id", pa.string()), ("author", pa.string()),
    ("created_at", pa.timestamp("us")), ("last_modified", pa.timestamp("us")), ("downloads", pa.int64()),
    ("downloads_all_time", pa.int64()), ("likes", pa.int64()), ("trending_score", pa.float64()),
    ("pipeline_tag", pa.string()), ("library_name", pa.string()), ("tags", pa.list_(pa.string())),
    ("license", pa.string()), ("params", pa.int64()), ("gated", pa.string()),
    ("base_models", pa.list_(pa.struct([("relation", pa.string()), ("parent", pa.string())]))),
    ("payload", pa.json_()),  # Arrow's JSON type: DuckDB takes it as JSON without parsing each string again
])


class HfCollectError(Exception):
    """The Hub answered something the collector cannot use; the message names the URL and what was expected."""


def base_models(tags: Iterable[str]) -> list[dict]:
    """(relation, parent) pairs from the Hub's `base_model:<relation>:<id>` tags, in tag order."""
    found = []
    for tag in tags:
        parts = tag.split(":", 2)
        if len(parts) == 3 and parts[0] == "base_model" and parts[1] in RELATIONS:
            found.append({"relation": parts[1], "parent": parts[2]})
    return found


def _naive_utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value else None


def to_row(info: ModelInfo) -> dict:
    """One raw_hf_models row (without as_of and run_id) from a listing entry.

    Every field of the entry lands in a column, except those without one of their own (`_id`, the
    safetensors dtype breakdown, gguf, and any field the Hub adds later), which go to `payload` as JSON.
    Repeating the whole entry there would make payload most of the bytes loaded, for nothing new; so payload
    has compact separators and no second copy of the safetensors total (it is `params`).
    """
    tags = info.tags  # None when the Hub sent none: lineage and license are then unknown, not empty
    safetensors = info.safetensors
    gguf = info.gguf if isinstance(info.gguf, dict) else None
    params = safetensors.total if safetensors else (gguf or {}).get("total")
    payload = {k: v for k, v in vars(info).items() if k not in MODEL_INFO_ATTRS and v is not None}
    if safetensors:
        payload["safetensors"] = {"parameters": safetensors.parameters}  # its total is the params column
    if gguf:
        payload["gguf"] = gguf
    return {
        "id": info.id, "author": info.author,
        "created_at": _naive_utc(info.created_at), "last_modified": _naive_utc(info.last_modified),
        "downloads": info.downloads, "downloads_all_time": info.downloads_all_time, "likes": info.likes,
        "trending_score": info.trending_score, "pipeline_tag": info.pipeline_tag,
        "library_name": info.library_name, "tags": tags,
        "license": next((t.split(":", 1)[1] for t in tags or [] if t.startswith("license:")), None),
        "params": params, "gated": None if info.gated is None else str(info.gated).lower(),
        "base_models": None if tags is None else base_models(tags),
        "payload": json.dumps(payload, default=str, ensure_ascii=False, separators=(",", ":")),
    }


def problem(info: ModelInfo, url: str) -> str | None:
    """What makes a listing entry unusable (a field the tables need has the wrong type), naming model and page."""
    counts = {"downloads": info.downloads, "downloadsAllTime": info.downloads_all_time, "likes": info.likes}
    for name, value in counts.items():
        if not (value is None and name != "downloads") and (type(value) is not int or value < 0):
            return (f"malformed entry {info.id!r} from {url}: expected '{name}' to be a whole number of at least 0, "
                    f"got {value!r}")
    if info.trending_score is not None and type(info.trending_score) not in (int, float):
        return f"malformed entry {info.id!r} from {url}: expected 'trendingScore' to be a number, got " \
               f"{info.trending_score!r}"
    if info.tags is not None and not (isinstance(info.tags, list) and all(isinstance(t, str) for t in info.tags)):
        return f"malformed entry {info.id!r} from {url}: expected 'tags' to be a list of strings, got {info.tags!r}"
    return None


def fetch_models(api: HfApi, meter: Meter, min_downloads: int = 100, limit: int | None = None,
                 repairs: list[str] | None = None) -> Iterator[dict]:
    """Yield listing rows by descending 30-day downloads, skipping those below min_downloads.

    The listing is sorted, so it stops after a page's worth of models in a row below the floor (one page, not
    one model, so that a page served out of order loses nothing), or after `limit` rows. A malformed entry is
    skipped and noted in `repairs`; a page whose every entry is malformed (a field gone or renamed) or a listing
    without any model raises HfCollectError.
    """
    items = iter(api.list_models(sort="downloads", expand=LIST_EXPAND))
    yielded = below = listed = 0
    page = _Page()
    while (limit is None or yielded < limit) and below < PAGE_ROWS:
        try:
            info = next(items)
        except StopIteration:
            break
        except (ValueError, TypeError, KeyError, AttributeError) as exc:  # a body that is not a list of models
            raise HfCollectError(f"malformed or truncated page from {meter.last_url}: expected a JSON array of models "
                                 f"each with an 'id' ({type(exc).__name__}: {exc})") from exc
        listed += 1
        page = page.next_entry(meter.last_url)
        wrong = problem(info, meter.last_url)
        if wrong:
            page.bad(wrong)
            if repairs is not None:
                repairs.append(f"{wrong}; entry skipped")
            continue
        if info.downloads < min_downloads:
            below += 1
            continue
        below = 0
        yield to_row(info)
        yielded += 1
    page.check()
    if not listed:
        raise HfCollectError(f"the Hub listed no models at {meter.last_url}; expected a JSON array of models")


@dataclass
class _Page:
    """Entries seen and malformed on the listing page being read."""

    url: str | None = None
    seen: int = 0
    malformed: int = 0
    first: str = ""

    def next_entry(self, url: str) -> "_Page":
        """This page with one more entry, or a new page when the URL changed (the finished one checked)."""
        page = self
        if url != self.url:
            self.check()
            page = _Page(url)
        page.seen += 1
        return page

    def bad(self, reason: str) -> None:
        """Count a malformed entry."""
        self.malformed += 1
        self.first = self.first or reason

    def check(self) -> None:
        """Raise when every entry of a page of several was malformed: a field is gone, not one row."""
        if self.seen > 1 and self.malformed == self.seen:
            raise HfCollectError(f"every entry of the page is malformed, e.g. {self.first}")


def batches(rows: Iterable[dict], as_of: dt.date, run_id: str, progress=None) -> Iterator[pa.Table]:
    """Arrow tables stamped with as_of and run_id: built a page at a time, handed over LOAD_ROWS at a time."""
    it = iter(rows)
    pending: list[pa.Table] = []
    while chunk := list(islice(it, PAGE_ROWS)):
        for row in chunk:
            row["as_of"], row["run_id"] = as_of, run_id
        pending.append(pa.Table.from_pylist(chunk, schema=SCHEMA))
        if progress is not None:
            progress.update(len(chunk))
        if len(pending) * PAGE_ROWS >= LOAD_ROWS:
            yield pa.concat_tables(pending)
            pending = []
    if pending:
        yield pa.concat_tables(pending)


def save_models(con: duckdb.DuckDBPyConnection, as_of: dt.date, run_id: str, rows: Iterable[dict], *,
                stats: RequestStats, progress=None) -> int:
    """Make the listing rows the as_of slice of raw_hf_models (duplicates and load timings go to stats.extra).

    A model listed twice (a page served twice) is kept once, as first listed.
    """
    written = load.replace_slice(con, "raw_hf_models", as_of, batches(rows, as_of, run_id, progress), unique="id",
                                 measures=stats.extra)
    if stats.extra.get("duplicates"):
        log.warning("hf %s: %d models were listed twice; each is kept once", as_of, stats.extra["duplicates"])
    return written


def collect(con: duckdb.DuckDBPyConnection, settings: Settings, *, as_of: dt.date | None = None,
            min_downloads: int = 100, limit: int | None = None, details: int = 500,
            calls_per_window: int = 1000, window_s: float = 300, timeout: float = 30.0,
            progress=None) -> CollectResult:
    """Collect the listing into raw_hf_models for as_of (one atomic slice), then the details pass.

    as_of defaults to the sandbox clock's date on the sandbox, else today (UTC).

    `progress(label, total)`, when given, returns a context manager with update(n) (e.g. app.progress.Progress).
    """
    endpoint, token = settings.hf_endpoint, settings.hf_token
    stats = RequestStats()
    meter = Meter(stats, calls_per_window, window_s, token=token, timeout=timeout)
    with recorded_run(con, "hf", public_url(endpoint), as_of or observation_date(), secrets=settings.secrets(),
                      meter=meter, begin=False) as run:
        try:
            sandbox_date = probe_sandbox(endpoint, stats)
        except HttpError as exc:
            raise HfCollectError(f"cannot reach the Hub at {public_url(endpoint)}: {exc}") from exc
        as_of = as_of or observation_date(sandbox_date)
        run.begin(as_of, sandbox_date is not None)
        if run.sandbox:
            note_sandbox(endpoint)
        api = HfApi(endpoint=endpoint, token=token or False)
        with hub_session(meter), _bar(progress, f"hf listing {as_of}", limit) as bar:
            rows = fetch_models(api, meter, min_downloads, limit, run.repairs)
            run.rows = save_models(con, as_of, run.run_id, rows, stats=stats, progress=bar)
        if stats.extra.get("duplicates"):
            run.repairs.append(f"{stats.extra['duplicates']} model(s) were listed twice; each kept once, "
                               "as first listed")
        for repair in run.repairs[:5]:
            log.warning("hf %s: %s", as_of, meter.redact(repair))
    log.info("hf %s: %d models, %d requests, %d retries", as_of, run.rows, stats.requests, stats.retries)
    result = CollectResult.of(run, stats)
    if details:
        with _bar(progress, f"hf details {as_of}", details) as bar:
            result.details = hf_details.collect(con, settings, as_of=as_of, top=details, meter=meter,
                                                sandbox=run.sandbox, progress=bar)
    return result


def _bar(progress, label: str, total: int | None):
    return progress(label, total) if progress else nullcontext()
